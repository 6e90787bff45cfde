// The SQL of the trending signals: reading upvotes, comments, views and star samples for the
// formula, writing computed scores, page-view counters and GitHub repository state. The formula
// itself lives in src/rank/formula.ts; this file only moves rows.
import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './db.js';
import type { GithubReposTable } from './tables/signals.js';

type Db = Kysely<Database> | Transaction<Database>;

// ---- reading signals -------------------------------------------------------------------------

/** [paper_id, created_at, user_id]: arrays, not objects, because a full pass reads millions. */
export type VoteRow = [paperId: string, at: string, userId: number];

/**
 * Every upvote since `since`, in pages, grouped by paper and in time order within a paper (what the vote-ring
 * rule needs), streamed from the (paper_id, created_at, user_id) index so that ten million votes
 * never sit in memory. Voters are looked up by the caller (voterCreatedTimes). Do not run other
 * queries on `db` while iterating (SQLite has one connection).
 */
export async function* streamVotesSince(store: Store, since: string): AsyncIterable<VoteRow[]> {
  if (store.sqlite) {
    // Keyset pages read straight from the covering index, as arrays (five times faster than the
    // query builder for ten million rows). No statement stays open between pages, so the web
    // requests that share this connection run in between instead of failing or waiting.
    const first = store.sqlite.prepare('select paper_id, created_at, user_id from upvotes where +created_at >= ? order by paper_id, created_at, user_id limit ?').raw();
    const next = store.sqlite
      .prepare('select paper_id, created_at, user_id from upvotes where +created_at >= ? and (paper_id, created_at, user_id) > (?, ?, ?) order by paper_id, created_at, user_id limit ?')
      .raw();
    const PAGE = 50_000;
    let page = first.all(since, PAGE) as VoteRow[];
    for (;;) {
      yield page;
      if (page.length < PAGE) return;
      const [p, a, u] = page[page.length - 1];
      await new Promise((resolve) => setImmediate(resolve));
      page = next.all(since, p, a, u, PAGE) as VoteRow[];
    }
  }
  // PostgreSQL streaming needs a cursor library; keyset pages do the same with plain queries.
  const base = () => store.db.selectFrom('upvotes').select(['paper_id', 'created_at as at', 'user_id']).where('created_at', '>=', since).orderBy('paper_id').orderBy('created_at').orderBy('user_id');
  let after: VoteRow | undefined;
  for (;;) {
    let q = base();
    if (after) q = q.where(sql<boolean>`(paper_id, created_at, user_id) > (${after[0]}, ${after[1]}, ${after[2]})`);
    const page: VoteRow[] = (await q.limit(20_000).execute()).map((r) => [r.paper_id, r.at, Number(r.user_id)]);
    yield page;
    if (page.length < 20_000) return;
    after = page[page.length - 1];
  }
}

/** All view counters from `sinceDay` on, as [paper_id, day, count] (the full pass). */
export async function allViewsSince(store: Store, sinceDay: string): Promise<Array<[string, string, number]>> {
  if (store.sqlite) return store.sqlite.prepare('select paper_id, day, count from paper_views where day >= ?').raw().all(sinceDay) as Array<[string, string, number]>;
  return (await viewsSince(store.db, sinceDay)).map((r) => [r.paper_id, r.day, Number(r.count)]);
}

/** All star samples since `since`, as [full_name, at, stars] by repository and time (the full pass). */
export async function allStarSamplesSince(store: Store, since: string): Promise<Array<[string, string, number]>> {
  if (store.sqlite) {
    return store.sqlite.prepare('select full_name, at, stars from star_samples where at >= ? order by full_name, at').raw().all(since) as Array<[string, string, number]>;
  }
  return (await starSamplesSince(store.db, since)).map((r) => [r.full_name, r.at, Number(r.stars)]);
}

/** When each account that may vote was created (suspended accounts are left out: their votes do not count). */
export async function voterCreatedTimes(store: Store): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (store.sqlite) {
    for (const [id, at] of store.sqlite.prepare('select id, created_at from users where suspended = 0').raw().all() as Array<[number, string]>) out.set(Number(id), Date.parse(at));
    return out;
  }
  for (const r of await store.db.selectFrom('users').select(['id', 'created_at']).where('suspended', '=', 0).execute()) out.set(Number(r.id), Date.parse(r.created_at));
  return out;
}

/** One paper's upvotes since `since`, in time order (the incremental update). */
export async function votesOfPaper(db: Db, paperId: string, since: string): Promise<Array<{ at: string; voter_created_at: string }>> {
  return db
    .selectFrom('upvotes as v')
    .innerJoin('users as u', 'u.id', 'v.user_id')
    .select(['v.created_at as at', 'u.created_at as voter_created_at'])
    .where('v.paper_id', '=', paperId)
    .where('v.created_at', '>=', since)
    .where('u.suspended', '=', 0)
    .orderBy('v.created_at')
    .execute();
}

/** Times of visible comments since `since` (of one paper, or all). */
export async function commentTimesSince(db: Db, since: string, paperId?: string): Promise<Array<{ paper_id: string; created_at: string }>> {
  let q = db.selectFrom('comments').select(['paper_id', 'created_at']).where('created_at', '>=', since).where('hidden', '=', 0).where('deleted', '=', 0);
  if (paperId) q = q.where('paper_id', '=', paperId);
  return q.execute();
}

/** View counters of days from `sinceDay` on (of one paper, or all). */
export async function viewsSince(db: Db, sinceDay: string, paperId?: string): Promise<Array<{ paper_id: string; day: string; count: number }>> {
  let q = db.selectFrom('paper_views').select(['paper_id', 'day', 'count']).where('day', '>=', sinceDay);
  if (paperId) q = q.where('paper_id', '=', paperId);
  return q.execute();
}

/** Star samples since `since`, by repository and time (of some repositories, or all). */
export async function starSamplesSince(db: Db, since: string, repos?: string[]): Promise<Array<{ full_name: string; at: string; stars: number }>> {
  if (repos && !repos.length) return [];
  let q = db.selectFrom('star_samples').select(['full_name', 'at', 'stars']).where('at', '>=', since);
  if (repos) q = q.where('full_name', 'in', repos);
  return q.orderBy('full_name').orderBy('at').execute();
}

/** The GitHub repository of each paper that has one (all papers, or the ones given). */
export async function reposOfPapers(db: Db, paperIds?: string[]): Promise<Array<{ id: string; github_repo: string }>> {
  if (paperIds && !paperIds.length) return [];
  let q = db.selectFrom('papers').select(['id', 'github_repo']).where('github_repo', 'is not', null);
  if (paperIds) q = q.where('id', 'in', paperIds);
  return (await q.execute()) as Array<{ id: string; github_repo: string }>;
}

// ---- writing scores --------------------------------------------------------------------------

export interface ScoreRow {
  paper_id: string;
  score: number; // week
  score_day: number;
  score_month: number;
  terms: string;
}

const SCORE_BATCH = 500; // 5 values a row: well under SQLite's bound-variable limit
const BATCHES_PER_TX = 20; // short transactions, so upvotes are never blocked behind a full pass

/**
 * Writes the scores of a full pass computed as of `passStart`. A row written by the incremental
 * update after the pass began is newer than what the pass read, so it is kept; rows the pass did
 * not produce (no signals left in any window) are removed.
 */
export async function writeFullPass(store: Store, rows: ScoreRow[], passStart: string): Promise<void> {
  if (store.sqlite) {
    // A million rows: one prepared statement, short transactions (so upvotes are never blocked
    // behind a full pass for long), no query building per row.
    const upsert = store.sqlite.prepare(`insert into trending_scores (paper_id, score, score_day, score_month, terms, computed_at) values (?, ?, ?, ?, ?, ?)
      on conflict (paper_id) do update set score = excluded.score, score_day = excluded.score_day, score_month = excluded.score_month,
      terms = excluded.terms, computed_at = excluded.computed_at where trending_scores.computed_at < excluded.computed_at`);
    const chunk = store.sqlite.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const r = rows[i];
        upsert.run(r.paper_id, r.score, r.score_day, r.score_month, r.terms, passStart);
      }
    });
    for (let i = 0; i < rows.length; i += 5000) {
      chunk(i, Math.min(rows.length, i + 5000));
      // Let requests and the event loop in between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } else {
    for (let i = 0; i < rows.length; i += SCORE_BATCH * BATCHES_PER_TX) {
      await store.db.transaction().execute(async (tx) => {
        const end = Math.min(rows.length, i + SCORE_BATCH * BATCHES_PER_TX);
        for (let j = i; j < end; j += SCORE_BATCH) {
          const chunk = rows.slice(j, Math.min(end, j + SCORE_BATCH)).map((r) => ({ ...r, computed_at: passStart }));
          await tx
            .insertInto('trending_scores')
            .values(chunk)
            .onConflict((oc) =>
              oc
                .column('paper_id')
                .doUpdateSet((eb) => ({
                  score: eb.ref('excluded.score'),
                  score_day: eb.ref('excluded.score_day'),
                  score_month: eb.ref('excluded.score_month'),
                  terms: eb.ref('excluded.terms'),
                  computed_at: eb.ref('excluded.computed_at'),
                }))
                .where('trending_scores.computed_at', '<', passStart),
            )
            .execute();
        }
      });
    }
  }
  await store.db.deleteFrom('trending_scores').where('computed_at', '<', passStart).execute();
}

/** Writes one paper's score (or removes it when `row` is null). */
export async function writePaperScore(db: Db, paperId: string, row: ScoreRow | null, now: string): Promise<void> {
  if (!row) {
    await db.deleteFrom('trending_scores').where('paper_id', '=', paperId).execute();
    return;
  }
  await db
    .insertInto('trending_scores')
    .values({ ...row, computed_at: now })
    .onConflict((oc) => oc.column('paper_id').doUpdateSet({ score: row.score, score_day: row.score_day, score_month: row.score_month, terms: row.terms, computed_at: now }))
    .execute();
}

export async function getScoreRow(db: Db, paperId: string) {
  return db.selectFrom('trending_scores').selectAll().where('paper_id', '=', paperId).executeTakeFirst();
}

// ---- charts ----------------------------------------------------------------------------------

/** Upvotes of a paper per UTC day (all time; a paper's upvotes are few). */
export async function upvotesPerDay(db: Db, paperIds: string[], sinceDay?: string): Promise<Array<{ paper_id: string; day: string; n: number }>> {
  if (!paperIds.length) return [];
  const day = sql<string>`substr(created_at, 1, 10)`;
  let q = db
    .selectFrom('upvotes')
    .select(['paper_id', day.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('paper_id', 'in', paperIds);
  if (sinceDay) q = q.where('created_at', '>=', sinceDay);
  const rows = await q.groupBy(['paper_id', day]).orderBy('paper_id').orderBy(day).execute();
  return rows.map((r) => ({ paper_id: r.paper_id, day: r.day, n: Number(r.n) }));
}

// ---- page views ------------------------------------------------------------------------------

/** Adds view counts; one upsert per (paper, day). */
export async function addViews(db: Db, counts: Array<{ paperId: string; day: string; count: number }>): Promise<void> {
  for (let i = 0; i < counts.length; i += 300) {
    const chunk = counts.slice(i, i + 300).map((c) => ({ paper_id: c.paperId, day: c.day, count: c.count }));
    await db
      .insertInto('paper_views')
      .values(chunk)
      .onConflict((oc) => oc.columns(['paper_id', 'day']).doUpdateSet({ count: sql<number>`paper_views.count + excluded.count` }))
      .execute();
  }
}

// ---- GitHub repositories ---------------------------------------------------------------------

export type GithubRepo = Selectable<GithubReposTable>;

/** Repositories linked from papers that have no row yet (to be filtered and inserted by the caller). */
export async function unknownLinkedRepos(db: Db, limit = 10_000): Promise<string[]> {
  const rows = await db
    .selectFrom('papers as p')
    .select('p.github_repo')
    .distinct()
    .where('p.github_repo', 'is not', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('github_repos as g').select('g.full_name').whereRef('g.full_name', '=', 'p.github_repo'))))
    .limit(limit)
    .execute();
  return rows.map((r) => r.github_repo as string);
}

/** Starts tracking repositories (status `ok` and due now, or `skipped` for links that are not repositories). */
export async function addRepos(db: Db, repos: Array<{ fullName: string; status: 'ok' | 'skipped' }>, now: string): Promise<void> {
  for (let i = 0; i < repos.length; i += 200) {
    await db
      .insertInto('github_repos')
      .values(repos.slice(i, i + 200).map((r) => ({ full_name: r.fullName, status: r.status, next_check_at: r.status === 'skipped' ? '9999-12-31T00:00:00.000Z' : now })))
      .onConflict((oc) => oc.column('full_name').doNothing())
      .execute();
  }
}

/** Repositories due for a check, most overdue first. */
export async function dueRepos(db: Db, now: string, limit: number): Promise<GithubRepo[]> {
  return db.selectFrom('github_repos').selectAll().where('next_check_at', '<=', now).where('status', '!=', 'skipped').orderBy('next_check_at').limit(limit).execute();
}

export async function getRepo(db: Db, fullName: string): Promise<GithubRepo | undefined> {
  return db.selectFrom('github_repos').selectAll().where('full_name', '=', fullName).executeTakeFirst();
}

export async function updateRepo(db: Db, fullName: string, set: Partial<Omit<GithubRepo, 'full_name'>>): Promise<void> {
  await db.updateTable('github_repos').set(set).where('full_name', '=', fullName).execute();
}

/** Records a star count: a sample in the history and the denormalised count on every paper linking it. */
export async function recordStars(db: Db, fullName: string, stars: number, at: string): Promise<void> {
  await db
    .insertInto('star_samples')
    .values({ full_name: fullName, at, stars })
    .onConflict((oc) => oc.columns(['full_name', 'at']).doUpdateSet({ stars }))
    .execute();
  await db.updateTable('papers').set({ github_stars: stars }).where('github_repo', '=', fullName).execute();
}

/** Star samples of one repository since `since`, in time order. */
export async function starHistory(db: Db, fullName: string, since?: string): Promise<Array<{ at: string; stars: number }>> {
  let q = db.selectFrom('star_samples').select(['at', 'stars']).where('full_name', '=', fullName);
  if (since) q = q.where('at', '>=', since);
  return q.orderBy('at').execute();
}

/** The papers that link a repository, with what decides how often to refresh it. */
export async function repoAudience(db: Db, fullName: string): Promise<{ paperIds: string[]; newestPublished: string | null; bestScore: number }> {
  const rows = await db
    .selectFrom('papers as p')
    .leftJoin('trending_scores as t', 't.paper_id', 'p.id')
    .select(['p.id', 'p.published_at', 't.score_month'])
    .where('p.github_repo', '=', fullName)
    .where('p.hidden', '=', 0)
    .execute();
  return {
    paperIds: rows.map((r) => r.id),
    newestPublished: rows.reduce<string | null>((m, r) => (m && m > r.published_at ? m : r.published_at), null),
    bestScore: rows.reduce((m, r) => Math.max(m, Number(r.score_month ?? 0)), 0),
  };
}

// ---- small persistent state (rate-limit pauses) ----------------------------------------------

export async function getMeta(db: Db, key: string): Promise<string | undefined> {
  return (await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst())?.value;
}

export async function setMeta(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto('meta')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
