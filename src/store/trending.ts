// Trending queries over the computed scores (src/rank computes them). A hidden or removed paper is
// never returned, whatever its score: the join with papers filters it at read time.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { type Paper, paperFromRow } from './papers.js';

export type TrendingWindow = 'day' | 'week' | 'month';

export interface TrendingQuery {
  window: TrendingWindow;
  limit: number;
  offset?: number;
  category?: string;
  hasCode?: boolean;
  /** Only papers whose daily feature or publication is at or after this ISO time. */
  since?: string;
  /** Only these papers (a saved search topic's hits). */
  ids?: string[];
}

/** The score column of each window (`score` is the week, the default other parts read). */
export const scoreColumn = { day: 'score_day', week: 'score', month: 'score_month' } as const;

/** A trending paper: its score in the window and its stored signals (decode with src/rank/formula.ts decodeSignals). */
export type TrendingPaper = Paper & { score: number; signals?: string };

export async function trendingPapers(db: Kysely<Database>, q: TrendingQuery): Promise<TrendingPaper[]> {
  if (q.ids && !q.ids.length) return [];
  const col = `t.${scoreColumn[q.window] ?? 'score'}` as const;
  let query = db
    .selectFrom('trending_scores as t')
    // A cross join with the condition in WHERE makes SQLite walk the score index first (the best
    // papers) and look each paper up, instead of scanning every paper and sorting.
    .crossJoin('papers as p')
    .whereRef('p.id', '=', 't.paper_id')
    .selectAll('p')
    .select([`${col} as trending_score` as 't.score as trending_score', 't.terms as trending_terms'])
    .where(col as 't.score', '>', 0)
    .where('p.hidden', '=', 0);
  if (q.category) query = query.where('p.id', 'in', db.selectFrom('paper_categories').select('paper_id').where('category', '=', q.category));
  if (q.hasCode) query = query.where('p.github_repo', 'is not', null);
  if (q.ids) query = query.where('p.id', 'in', q.ids);
  if (q.since) {
    const since = q.since;
    query = query.where((eb) =>
      eb.or([eb('p.published_at', '>=', since), eb.exists(eb.selectFrom('daily_features as f').select('f.paper_id').whereRef('f.paper_id', '=', 'p.id').where('f.submitted_at', '>=', since))]),
    );
  }
  const rows = await query
    .orderBy(col as 't.score', 'desc')
    .orderBy('t.paper_id', 'desc')
    .limit(q.limit)
    .offset(q.offset ?? 0)
    .execute();
  return rows.map(({ trending_score, trending_terms, ...r }) => ({ ...paperFromRow(r), score: Number(trending_score), signals: trending_terms }));
}

/** The trending score of each of `ids` in a window (absent: no score, i.e. 0). For sort=trending. */
export async function trendingScores(db: Kysely<Database>, ids: string[], window: TrendingWindow = 'week'): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('trending_scores')
      .select(['paper_id', `${scoreColumn[window]} as s` as 'score as s'])
      .where('paper_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.paper_id, Number(r.s));
  }
  return out;
}
