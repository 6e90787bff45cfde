// Trending queries over the computed scores. (Placeholder ranking by upvotes until the trending
// issue lands its formula; the signature is what callers rely on.)
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
}

export async function trendingPapers(db: Kysely<Database>, q: TrendingQuery): Promise<Array<Paper & { score: number }>> {
  let query = db.selectFrom('papers as p').selectAll('p').where('p.hidden', '=', 0);
  if (q.category) query = query.where('p.id', 'in', db.selectFrom('paper_categories').select('paper_id').where('category', '=', q.category));
  if (q.hasCode) query = query.where('p.github_repo', 'is not', null);
  const rows = await query
    .orderBy('p.upvotes', 'desc')
    .limit(q.limit)
    .offset(q.offset ?? 0)
    .execute();
  return rows.map((r) => ({ ...paperFromRow(r), score: r.upvotes }));
}
