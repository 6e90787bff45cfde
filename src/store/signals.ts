// The SQL of the trending signals: reading upvotes, comments, views and star samples for the
// formula, writing computed scores, page-view counters and GitHub repository state. The formula
// itself lives in src/rank/formula.ts; this file only moves rows.
import { CompiledQuery, type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './db.js';
import type { GithubReposTable } from './tables/signals.js';

type Db = Kysely<Database> | Transaction<Database>;

// ---- reading signals -------------------------------------------------------------------------

/** What the vote aggregation of a full pass needs: the windows as ISO times, and the decay. */
export interface VoteSumParams {
  now: number;
  halfLifeHours: number;
  dayStart: string;
  weekStart: string;
  monthStart: string;
  /** Votes stamped after this (clock trouble) do not count. */
  latest: string;
  /**
   * Accounts created before this were more than a day old at every vote in the month: each of their
   * votes counts 1, so the database can add them up. Votes of newer accounts go to the vote-ring
   * rule one by one (votesOfNewAccounts). The two queries split the accounts on the same comparison.
   */
  establishedBefore: string;
  /** Midnight (UTC) starting the stored upvote history (HISTORY_DAYS days ending today), epoch ms. */
  historyStart: number;
}

/** Per paper: votes of established accounts in the day, week and month, and the same decayed (sum of decay(age)). */
export type VoteSumRow = [paperId: string, day: number, week: number, month: number, decayedDay: number, decayedWeek: number, decayedMonth: number];

/**
 * A VoteSumRow and the history day of each of those votes, one character per vote ('0' + day
 * index from historyStart; votes before it left out): per-day counts for the sparklines without
 * a row per vote or a sort.
 */
export type VoteSumHistoryRow = [...VoteSumRow, days: string];

/**
 * One page of per-paper vote sums, papers after `afterPaper` in id order: the full pass's per-vote
 * work done inside the database (ten million votes become a million rows). The decay is the
 * formula's, 2^(-max(0, age) / half-life), computed per vote in SQL from the vote's time in
 * milliseconds, so the sums equal what windowSignals adds vote by vote (up to float rounding).
 * Suspended accounts' votes do not count.
 */
export async function establishedVoteSums(store: Store, p: VoteSumParams, afterPaper: string, limit: number): Promise<VoteSumHistoryRow[]> {
  const hl = p.halfLifeHours * 3_600_000;
  const historyFrom = new Date(p.historyStart).toISOString();
  if (store.sqlite) {
    // Walks the (paper_id, created_at, user_id) index in paper order, so grouping needs no sort and
    // the page stops after `limit` papers. Accounts are excluded through the small in-memory set of
    // suspended and new ones: a join looking up each vote's account cost 40 times more at 10M votes.
    const ms = `(unixepoch(v.created_at, 'subsec') * 1000)`;
    const d = `pow(2, min(0, ${ms} - :now) / :hl)`;
    const statement = store.sqlite
      .prepare(
        `select v.paper_id, total(v.created_at >= :day), total(v.created_at >= :week), count(*),
           total(case when v.created_at >= :day then ${d} end), total(case when v.created_at >= :week then ${d} end), total(${d}),
           coalesce(group_concat(case when v.created_at >= :hfrom then char(48 + cast((${ms} - :hstart) / 86400000 as integer)) end, ''), '')
         from upvotes v
         where v.paper_id > :after and v.created_at >= :month and v.created_at <= :latest
           and v.user_id not in (select id from users where suspended <> 0 or created_at >= :established)
         group by v.paper_id order by v.paper_id limit :limit`,
      )
      .raw();
    return statement.all({
      now: p.now,
      hl,
      day: p.dayStart,
      week: p.weekStart,
      month: p.monthStart,
      latest: p.latest,
      established: p.establishedBefore,
      hfrom: historyFrom,
      hstart: p.historyStart,
      after: afterPaper,
      limit,
    }) as VoteSumHistoryRow[];
  }
  const ms = sql`(extract(epoch from v.created_at::timestamptz)::float8 * 1000)`;
  const d = sql`power(2::float8, least(0::float8, ${ms} - ${p.now}::float8) / ${hl}::float8)`;
  const r = await sql<{ paper_id: string; nd: string; nw: string; nm: string; dd: number | null; dw: number | null; dm: number | null; days: string | null }>`
    select v.paper_id, count(*) filter (where v.created_at >= ${p.dayStart}) as nd, count(*) filter (where v.created_at >= ${p.weekStart}) as nw, count(*) as nm,
      sum(${d}) filter (where v.created_at >= ${p.dayStart}) as dd, sum(${d}) filter (where v.created_at >= ${p.weekStart}) as dw, sum(${d}) as dm,
      string_agg(chr(48 + floor((${ms} - ${p.historyStart}::float8) / 86400000)::int), '') filter (where v.created_at >= ${historyFrom}) as days
    from upvotes v
    where v.paper_id > ${afterPaper} and v.created_at >= ${p.monthStart} and v.created_at <= ${p.latest}
      and v.user_id not in (select id from users where suspended <> 0 or created_at >= ${p.establishedBefore})
    group by v.paper_id order by v.paper_id limit ${limit}`.execute(store.db);
  return r.rows.map((x) => [x.paper_id, Number(x.nd), Number(x.nw), Number(x.nm), Number(x.dd ?? 0), Number(x.dw ?? 0), Number(x.dm ?? 0), x.days ?? '']);
}

/** [paper_id, voted at, account created at] of the month's votes by accounts created on or after `establishedBefore`, by paper and time. */
export async function votesOfNewAccounts(store: Store, p: VoteSumParams): Promise<Array<[paperId: string, at: string, voterCreatedAt: string]>> {
  const q = store.db
    .selectFrom('users as u')
    .innerJoin('upvotes as v', 'v.user_id', 'u.id')
    .select(['v.paper_id', 'v.created_at as at', 'u.created_at as voter_created_at'])
    .where('u.created_at', '>=', p.establishedBefore)
    .where('u.suspended', '=', 0)
    .where('v.created_at', '>=', p.monthStart)
    .where('v.created_at', '<=', p.latest)
    .orderBy('v.paper_id')
    .orderBy('v.created_at');
  return (await q.execute()).map((r) => [r.paper_id, r.at, r.voter_created_at]);
}

/** Per paper: page views in the day, week and month, and the same decayed. */
export type ViewSumRow = VoteSumRow;

/**
 * Per paper, its page views summed per window like the formula does: a day's views count from the
 * middle of that day (or now, for today's), decayed by their age; a day counts in a window when its
 * middle is within the window. One row per paper instead of one per paper and day.
 */
export async function viewSums(store: Store, p: VoteSumParams, sinceDay: string): Promise<ViewSumRow[]> {
  const hl = p.halfLifeHours * 3_600_000;
  const [day, week, month] = [p.dayStart, p.weekStart, p.monthStart].map((t) => Date.parse(t));
  if (store.sqlite) {
    const d = `pow(2, (at - :now) / :hl) * count`;
    return store.sqlite
      .prepare(
        `select paper_id, total(case when at >= :day then count end), total(case when at >= :week then count end), total(case when at >= :month then count end),
           total(case when at >= :day then ${d} end), total(case when at >= :week then ${d} end), total(case when at >= :month then ${d} end)
         from (select paper_id, count, min(:now, unixepoch(day || 'T12:00:00Z') * 1000.0) as at from paper_views where day >= :since)
         group by paper_id`,
      )
      .raw()
      .all({ now: p.now, hl, day, week, month, since: sinceDay }) as ViewSumRow[];
  }
  const r = await sql<{ paper_id: string; nd: number | null; nw: number | null; nm: number | null; dd: number | null; dw: number | null; dm: number | null }>`
    select paper_id, sum(count) filter (where at >= ${day}) as nd, sum(count) filter (where at >= ${week}) as nw, sum(count) filter (where at >= ${month}) as nm,
      sum(d) filter (where at >= ${day}) as dd, sum(d) filter (where at >= ${week}) as dw, sum(d) filter (where at >= ${month}) as dm
    from (select paper_id, count, at, power(2::float8, (at - ${p.now}::float8) / ${hl}::float8) * count as d
          from (select paper_id, count, least(${p.now}::float8, extract(epoch from (day || 'T12:00:00Z')::timestamptz)::float8 * 1000) as at
                from paper_views where day >= ${sinceDay}) x) y
    group by paper_id`.execute(store.db);
  return r.rows.map((x) => [x.paper_id, Number(x.nd ?? 0), Number(x.nw ?? 0), Number(x.nm ?? 0), Number(x.dd ?? 0), Number(x.dw ?? 0), Number(x.dm ?? 0)]);
}

/**
 * For every paper whose repository has star samples since `since`, the samples that decide
 * starVelocity in each window: the first one, the last one at or before each window's start, and
 * the last one at or before now. starVelocity over these few gives the same value as over the whole
 * series; each is one index seek, so a hundred thousand series of forty samples stay in the database.
 */
export async function starPointsOfPapers(store: Store, p: VoteSumParams, since: string): Promise<Array<{ paperId: string; samples: Array<{ at: string; stars: number }> }>> {
  const text = (ph: (n: number) => string) => {
    const point = (upTo: number, order: 'asc' | 'desc', alias: string) =>
      `(select s.at || ' ' || s.stars from star_samples s where s.full_name = p.github_repo and s.at >= ${ph(4)} and s.at <= ${ph(upTo)} order by s.at ${order} limit 1) as ${alias}`;
    return `select p.id, ${point(5, 'asc', 'pt_first')}, ${point(1, 'desc', 'pt_day')}, ${point(2, 'desc', 'pt_week')}, ${point(3, 'desc', 'pt_month')}, ${point(5, 'desc', 'pt_latest')}
      from papers p
      where p.github_repo is not null and exists (select 1 from star_samples s where s.full_name = p.github_repo and s.at >= ${ph(4)} and s.at <= ${ph(5)})`;
  };
  const values = [p.dayStart, p.weekStart, p.monthStart, since, new Date(p.now).toISOString()];
  const rows = store.sqlite
    ? (store.sqlite.prepare(text((n) => `@p${n}`)).raw().all(Object.fromEntries(values.map((v, i) => [`p${i + 1}`, v]))) as unknown[][])
    : (await store.db.executeQuery(CompiledQuery.raw(text((n) => `$${n}`), values))).rows.map((r) => Object.values(r as object));
  return rows.map(([paperId, ...points]) => {
    const samples: Array<{ at: string; stars: number }> = [];
    for (const point of points as Array<string | null>) {
      if (point === null) continue;
      const [at, stars] = point.split(' ');
      if (!samples.some((s) => s.at === at)) samples.push({ at, stars: Number(stars) });
    }
    samples.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return { paperId: paperId as string, samples };
  });
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

/** The table a full pass fills before it takes the place of trending_scores. */
const NEXT = 'trending_scores_next';
/** Rows per insert statement on PostgreSQL (6 values a row). */
const PG_BATCH = 1000;

/** The score table a full pass is building: rows go in as they are computed, then it replaces the live one. */
export interface ScoreTableBuild {
  add(rows: readonly ScoreRow[]): Promise<void>;
  /** Takes the place of trending_scores, keeping the live rows written after the pass began. */
  swap(): Promise<void>;
}

/**
 * Starts building a fresh score table for a full pass computed as of `passStart`. Writing a million
 * scores in place would update four indexes per row (half a minute); filling an unindexed table in
 * paper order and indexing it once costs a fraction of that. The new table is built beside the live
 * one, which readers and the incremental update keep using until the swap. Its indexes are copies
 * of the live table's, named with or without a `_b` suffix (whichever the live ones are not), so
 * the swap is a drop and a rename; index names of trending_scores therefore alternate between passes.
 */
export async function buildScoreTable(store: Store, passStart: string): Promise<ScoreTableBuild> {
  const other = (name: string) => (name.endsWith('_b') ? name.slice(0, -2) : `${name}_b`);
  if (store.sqlite) {
    const sqlite = store.sqlite;
    const live = sqlite.prepare("select type, name, sql from sqlite_master where tbl_name = 'trending_scores' and sql is not null").all() as Array<{ type: string; name: string; sql: string }>;
    const table = live.find((o) => o.type === 'table')!;
    const indexes = live.filter((o) => o.type === 'index');
    sqlite.exec(`drop table if exists ${NEXT}`); // left by a pass that died
    sqlite.exec(table.sql.replace(/^CREATE TABLE\s+("?)trending_scores\1/i, `create table ${NEXT}`));
    const insert = sqlite.prepare(`insert into ${NEXT} (paper_id, score, score_day, score_month, terms, computed_at) values (?, ?, ?, ?, ?, ?)`);
    const addChunk = sqlite.transaction((rows: readonly ScoreRow[], from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const r = rows[i];
        insert.run(r.paper_id, r.score, r.score_day, r.score_month, r.terms, passStart);
      }
    });
    return {
      async add(rows) {
        for (let i = 0; i < rows.length; i += 5000) {
          addChunk(rows, i, Math.min(rows.length, i + 5000));
          await new Promise((resolve) => setImmediate(resolve)); // requests run between chunks
        }
      },
      async swap() {
        // Index the new table first (the long part, outside any transaction on the live table)...
        for (const ix of indexes) {
          const unique = /^CREATE\s+UNIQUE/i.test(ix.sql) ? 'unique ' : '';
          sqlite.exec(`create ${unique}index ${other(ix.name)} on ${NEXT} ${ix.sql.slice(ix.sql.indexOf('('))}`);
          await new Promise((resolve) => setImmediate(resolve));
        }
        // ...then, in one short transaction, carry over what the incremental update wrote since the
        // pass began and put the new table in place.
        sqlite.transaction(() => {
          sqlite.prepare(`insert or replace into ${NEXT} select * from trending_scores where computed_at >= ?`).run(passStart);
          sqlite.exec(`drop table trending_scores; alter table ${NEXT} rename to trending_scores`);
          sqlite.prepare('insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value').run(CHANGE_MARK, newMark());
        })();
      },
    };
  }
  const db = store.db;
  const liveIndexes = (
    await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = 'trending_scores'`.execute(db)
  ).rows;
  const pk = (
    await sql<{ conname: string }>`select conname from pg_constraint where conrelid = 'trending_scores'::regclass and contype = 'p'`.execute(db)
  ).rows[0]?.conname ?? 'trending_scores_pkey';
  await sql.raw(`drop table if exists ${NEXT}`).execute(db);
  await sql.raw(`create table ${NEXT} (like trending_scores including defaults, constraint ${other(pk)} primary key (paper_id))`).execute(db);
  return {
    async add(rows) {
      for (let i = 0; i < rows.length; i += PG_BATCH) {
        const chunk = rows.slice(i, i + PG_BATCH).map((r) => ({ ...r, computed_at: passStart }));
        await db.insertInto(NEXT as 'trending_scores').values(chunk).execute();
      }
    },
    async swap() {
      for (const ix of liveIndexes) {
        if (ix.indexname === pk) continue;
        const unique = /^CREATE\s+UNIQUE/i.test(ix.indexdef) ? 'unique ' : '';
        await sql.raw(`create ${unique}index ${other(ix.indexname)} on ${NEXT} ${ix.indexdef.slice(ix.indexdef.indexOf('('))}`).execute(db);
      }
      await db.transaction().execute(async (tx) => {
        await sql`lock table trending_scores in exclusive mode`.execute(tx); // incremental writes wait for the swap
        await sql`insert into ${sql.table(NEXT)} select * from trending_scores where computed_at >= ${passStart}
          on conflict (paper_id) do update set score = excluded.score, score_day = excluded.score_day, score_month = excluded.score_month,
          terms = excluded.terms, computed_at = excluded.computed_at`.execute(tx);
        await sql.raw(`drop table trending_scores; alter table ${NEXT} rename to trending_scores`).execute(tx);
        await markScoresChanged(tx);
      });
    },
  };
}

/**
 * Writes the scores of a full pass computed as of `passStart` at once: rows written by the
 * incremental update after the pass began are newer than what the pass read, so they are kept;
 * rows the pass did not produce (no signals left in any window) are gone.
 */
export async function writeFullPass(store: Store, rows: readonly ScoreRow[], passStart: string): Promise<void> {
  const build = await buildScoreTable(store, passStart);
  await build.add(rows);
  await build.swap();
}

/** Writes one paper's score (or removes it when `row` is null). */
export async function writePaperScore(db: Db, paperId: string, row: ScoreRow | null, now: string): Promise<void> {
  if (!row) await db.deleteFrom('trending_scores').where('paper_id', '=', paperId).execute();
  else {
    await db
      .insertInto('trending_scores')
      .values({ ...row, computed_at: now })
      .onConflict((oc) => oc.column('paper_id').doUpdateSet({ score: row.score, score_day: row.score_day, score_month: row.score_month, terms: row.terms, computed_at: now }))
      .execute();
  }
  await markScoresChanged(db);
}

// ---- the change mark -------------------------------------------------------------------------
// A value in `meta` that every score write replaces, so that caches of rendered trending lists in
// any process can tell, with one primary-key read, that scores changed.

const CHANGE_MARK = 'trending_scores_changed';
let markCount = 0;
const newMark = () => `${Date.now().toString(36)}.${process.pid.toString(36)}.${(++markCount).toString(36)}`;

export async function markScoresChanged(db: Db): Promise<void> {
  await setMeta(db, CHANGE_MARK, newMark());
}

/** The current change mark ('' before any score was written). */
export async function scoresChangeMark(db: Db): Promise<string> {
  return (await getMeta(db, CHANGE_MARK)) ?? '';
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
