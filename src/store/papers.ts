// Papers: the domain type, its mapping from rows, and the repository functions every part uses.
// Writes are batched upserts so that ingest of a million records stays fast; a newer version updates
// a paper in place and keeps its id, upvotes and comments; the same version again changes nothing.
import { CompiledQuery, type Expression, type ExpressionBuilder, type Kysely, type SqlBool, type Selectable, type Transaction } from 'kysely';
import { dialectOf, sqliteHandleOf } from './db.js';
import { authorRows, categoryRows, isNewer, paperRow } from './paper-rows.js';
import { upsertPapersSqlite } from './papers-sqlite.js';
import type { Database } from './schema.js';
import type { PapersTable } from './tables/core.js';

export interface PaperLinks {
  abs?: string;
  pdf?: string;
  doi?: string;
  code?: string[]; // code repository URLs (GitHub, GitLab, ...)
  project?: string; // project page
}

/** A paper as ingest produces it (before it is stored). */
export interface PaperInput {
  id: string;
  version: number;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[]; // primary first
  publishedAt: string; // ISO
  updatedAt: string; // ISO
  comments?: string | null;
  journalRef?: string | null;
  doi?: string | null;
  license?: string | null;
  links?: PaperLinks;
  source: string;
}

/** A stored paper. */
export interface Paper extends Required<Omit<PaperInput, 'links'>> {
  links: PaperLinks;
  primaryCategory: string | null;
  githubRepo: string | null;
  githubStars: number | null;
  hidden: boolean;
  upvotes: number;
  numComments: number;
  createdAt: string;
  changedAt: string;
}

export type PaperRow = Selectable<PapersTable>;

export function paperFromRow(row: PaperRow): Paper {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    abstract: row.abstract,
    authors: JSON.parse(row.authors),
    categories: JSON.parse(row.categories),
    primaryCategory: row.primary_category,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    comments: row.comments,
    journalRef: row.journal_ref,
    doi: row.doi,
    license: row.license,
    links: JSON.parse(row.links),
    githubRepo: row.github_repo,
    githubStars: row.github_stars,
    source: row.source,
    hidden: row.hidden === 1,
    upvotes: row.upvotes,
    numComments: row.num_comments,
    createdAt: row.created_at,
    changedAt: row.changed_at,
  };
}

export { authorKey, githubRepoOf } from './paper-rows.js';

export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

type Db = Kysely<Database> | Transaction<Database>;

// SQLite allows 32,766 bound parameters per statement, PostgreSQL 65,535: stay well under both.
const MAX_PARAMS = 16_000;
const LOOKUP_BATCH = 500;

/**
 * Inserts new papers and updates those whose incoming version is newer (or the same version
 * revised later). Call inside a transaction for atomic batches (on SQLite, a call outside one gets
 * its own).
 */
export async function upsertPapers(db: Db, papers: PaperInput[], now: string): Promise<UpsertResult> {
  // Within one call, the last record for an id wins if it is newer; the others count as unchanged.
  const byId = new Map<string, PaperInput>();
  for (const p of papers) {
    const seen = byId.get(p.id);
    if (!seen || isNewer(p, seen)) byId.set(p.id, p);
  }
  const duplicates = papers.length - byId.size;
  const incoming = [...byId.values()];
  const sqlite = sqliteHandleOf(db);
  // The SQLite path binds prepared statements synchronously on the raw handle: only while this
  // caller holds the connection (a Kysely transaction) can nothing else interleave with it.
  const result = sqlite
    ? db.isTransaction
      ? upsertPapersSqlite(sqlite, incoming, now)
      : await db.transaction().execute(async () => upsertPapersSqlite(sqlite, incoming, now))
    : await upsertPapersKysely(db, incoming, now);
  result.unchanged += duplicates;
  return result;
}

/** The dialect-neutral write path (PostgreSQL): `incoming` holds each id once. */
async function upsertPapersKysely(db: Db, incoming: PaperInput[], now: string): Promise<UpsertResult> {
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0 };
  const fresh: PaperInput[] = [];
  const changed: PaperInput[] = [];
  for (let i = 0; i < incoming.length; i += LOOKUP_BATCH) {
    const chunk = incoming.slice(i, i + LOOKUP_BATCH);
    const existing = new Map((await existingVersions(db, chunk.map((p) => p.id))).map((r) => [r.id, r]));
    for (const p of chunk) {
      const old = existing.get(p.id);
      if (!old) fresh.push(p);
      else if (isNewer(p, { version: old.version, updatedAt: old.updated_at })) changed.push(p);
      else result.unchanged++;
    }
  }
  if (fresh.length) {
    // ON CONFLICT DO NOTHING: another writer (a second harvester on PostgreSQL) may insert the same
    // new paper between our lookup and our insert. Its row wins; ours is then compared like any
    // existing paper, and only the rows we really inserted get their authors and categories here.
    const insertedIds = await insertMany(
      db,
      'papers',
      fresh.map((p) => paperRow(p, now)),
    );
    const mine = insertedIds.size === fresh.length ? fresh : fresh.filter((p) => insertedIds.has(p.id));
    await insertChildren(db, mine);
    result.inserted += mine.length;
    if (mine.length < fresh.length) {
      const raced = fresh.filter((p) => !insertedIds.has(p.id));
      const existing = new Map((await existingVersions(db, raced.map((p) => p.id))).map((r) => [r.id, r]));
      for (const p of raced) {
        const old = existing.get(p.id);
        if (old && isNewer(p, { version: old.version, updatedAt: old.updated_at })) changed.push(p);
        else result.unchanged++;
      }
    }
  }
  for (const p of changed) {
    const { created_at: _created, ...row } = paperRow(p, now);
    await db.updateTable('papers').set(row).where('id', '=', p.id).execute();
  }
  if (changed.length) {
    for (let i = 0; i < changed.length; i += LOOKUP_BATCH) {
      const ids = changed.slice(i, i + LOOKUP_BATCH).map((p) => p.id);
      await db.deleteFrom('paper_authors').where('paper_id', 'in', ids).execute();
      await db.deleteFrom('paper_categories').where('paper_id', 'in', ids).execute();
    }
    await insertChildren(db, changed);
    result.updated += changed.length;
  }
  return result;
}

async function insertChildren(db: Db, papers: PaperInput[]): Promise<void> {
  const authors = papers.flatMap(authorRows);
  const categories = papers.flatMap(categoryRows);
  if (authors.length) await insertMany(db, 'paper_authors', authors);
  if (categories.length) await insertMany(db, 'paper_categories', categories);
}

// Bulk writes are a hot path of a large PostgreSQL import. Building and compiling a Kysely query of
// thousands of values costs more than the database's work on it, so the SQL text of an N-row insert
// is compiled once per (engine, table, columns, N) and reused with fresh parameters.
const compiledSql = new Map<string, string>();

async function insertMany<T extends 'papers' | 'paper_authors' | 'paper_categories'>(db: Db, table: T, rows: Array<Record<string, unknown>>): Promise<Set<string>> {
  const columns = Object.keys(rows[0]);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const engine = dialectOf(db);
  const inserted = new Set<string>();
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const params: unknown[] = [];
    for (const row of chunk) for (const c of columns) params.push(row[c]);
    const key = `${engine}:${table}:${columns.join(',')}:${chunk.length}`;
    let text = compiledSql.get(key);
    if (!text) {
      // Papers report which rows were new; children of a paper are written once (a racing writer's win).
      const query =
        table === 'papers'
          ? db
              .insertInto('papers')
              .values(chunk as never)
              .onConflict((oc) => oc.column('id').doNothing())
              .returning('id')
          : db
              .insertInto(table)
              .values(chunk as never)
              .onConflict((oc) => oc.doNothing());
      const compiled = query.compile();
      // The cached text is only valid if every value became one parameter, in row-major order.
      if (compiled.parameters.length !== params.length || compiled.parameters.some((v, k) => v !== params[k])) {
        const { rows: out } = await db.executeQuery<{ id?: string }>(compiled);
        for (const r of out) if (r.id) inserted.add(r.id);
        continue;
      }
      text = compiled.sql;
      compiledSql.set(key, text);
    }
    const { rows: out } = await db.executeQuery<{ id?: string }>(CompiledQuery.raw(text, params));
    for (const r of out) if (r.id) inserted.add(r.id);
  }
  return inserted;
}

async function existingVersions(db: Db, ids: string[]): Promise<Array<{ id: string; version: number; updated_at: string }>> {
  const key = `${dialectOf(db)}:lookup:${ids.length}`;
  let text = compiledSql.get(key);
  if (!text) {
    text = db.selectFrom('papers').select(['id', 'version', 'updated_at']).where('id', 'in', ids).compile().sql;
    compiledSql.set(key, text);
  }
  const { rows } = await db.executeQuery<{ id: string; version: number; updated_at: string }>(CompiledQuery.raw(text, ids));
  return rows;
}

export async function getPaper(db: Db, id: string): Promise<Paper | undefined> {
  const row = await db.selectFrom('papers').selectAll().where('id', '=', id).executeTakeFirst();
  return row && paperFromRow(row);
}

export async function getPapers(db: Db, ids: string[]): Promise<Paper[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('papers').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, paperFromRow(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function countPapers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('papers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Puts a paper on the daily list of `day`; a paper already listed keeps its first day. */
export async function featurePaper(
  db: Db,
  feature: { paperId: string; day: string; submittedBy: number | null; submittedAt: string },
): Promise<{ day: string; created: boolean }> {
  const existing = await db.selectFrom('daily_features').select('day').where('paper_id', '=', feature.paperId).executeTakeFirst();
  if (existing) return { day: existing.day, created: false };
  await db
    .insertInto('daily_features')
    .values({ paper_id: feature.paperId, day: feature.day, submitted_by: feature.submittedBy, submitted_at: feature.submittedAt })
    .onConflict((oc) => oc.column('paper_id').doNothing())
    .execute();
  const row = await db.selectFrom('daily_features').select('day').where('paper_id', '=', feature.paperId).executeTakeFirstOrThrow();
  return { day: row.day, created: row.day === feature.day };
}

/** The most recent day that has a daily list, or undefined for an empty store. */
export async function latestDailyDay(db: Db): Promise<string | undefined> {
  const row = await db.selectFrom('daily_features').select((eb) => eb.fn.max('day').as('day')).executeTakeFirst();
  return row?.day ?? undefined;
}

/** Visible papers featured on days in [from, to], most upvoted first. */
export async function dailyPapers(db: Db, from: string, to: string): Promise<Array<Paper & { day: string; submittedBy: number | null }>> {
  const rows = await db
    .selectFrom('daily_features as f')
    .innerJoin('papers as p', 'p.id', 'f.paper_id')
    .selectAll('p')
    .select(['f.day', 'f.submitted_by'])
    .where('f.day', '>=', from)
    .where('f.day', '<=', to)
    .where('p.hidden', '=', 0)
    .orderBy('p.upvotes', 'desc')
    .orderBy('f.submitted_at', 'desc')
    .execute();
  return rows.map((r) => ({ ...paperFromRow(r), day: r.day, submittedBy: r.submitted_by }));
}

/** Papers by an author key, newest first; with `since`, only those published since then. */
export async function papersByAuthor(db: Db, key: string, limit = 50, offset = 0, since?: string): Promise<Paper[]> {
  if (since !== undefined)
    return newestSince(db, since, limit, offset, (eb) => eb.exists(eb.selectFrom('paper_authors as a').select('a.paper_id').whereRef('a.paper_id', '=', 'p.id').where('a.name_key', '=', key)));
  const rows = await db
    .selectFrom('paper_authors as a')
    .innerJoin('papers as p', 'p.id', 'a.paper_id')
    .selectAll('p')
    .where('a.name_key', '=', key)
    .where('p.hidden', '=', 0)
    .orderBy('p.published_at', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map(paperFromRow);
}

/** Papers in a category (primary or cross-listed), newest first; with `since`, only those published since then. */
export async function papersByCategory(db: Db, category: string, limit = 50, offset = 0, since?: string): Promise<Paper[]> {
  if (since !== undefined)
    return newestSince(db, since, limit, offset, (eb) => eb.exists(eb.selectFrom('paper_categories as c').select('c.paper_id').whereRef('c.paper_id', '=', 'p.id').where('c.category', '=', category)));
  const rows = await db
    .selectFrom('paper_categories as c')
    .innerJoin('papers as p', 'p.id', 'c.paper_id')
    .selectAll('p')
    .where('c.category', '=', category)
    .where('p.hidden', '=', 0)
    .orderBy('p.published_at', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map(paperFromRow);
}

// The recent papers of an author or category (digest sections): walked newest first from the
// published_at index, each checked for the author or category, so that the query stops at the
// limit or the date. Joining from the author or category instead sorts all of its papers (a
// category of 8,000 papers: 100-240 ms for none in the window, 0.6 ms this way; 100,000 papers).
async function newestSince(db: Db, since: string, limit: number, offset: number, belongs: (eb: ExpressionBuilder<Database & { p: PapersTable }, 'p'>) => Expression<SqlBool>): Promise<Paper[]> {
  const rows = await db
    .selectFrom('papers as p')
    .selectAll('p')
    .where('p.published_at', '>=', since)
    .where('p.hidden', '=', 0)
    .where(belongs)
    .orderBy('p.published_at', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map(paperFromRow);
}

export async function setPaperHidden(db: Db, id: string, hidden: boolean, now: string): Promise<void> {
  await db
    .updateTable('papers')
    .set({ hidden: hidden ? 1 : 0, changed_at: now })
    .where('id', '=', id)
    .execute();
}

/** Marks a paper changed (cache invalidation and incremental re-indexing read changed_at). */
export async function touchPaper(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('papers').set({ changed_at: now }).where('id', '=', id).execute();
}

/** Puts many papers on daily lists at once (imports, demo, benchmarks); papers already listed keep their day. */
export async function featurePapers(
  db: Db,
  features: Array<{ paperId: string; day: string; submittedBy: number | null; submittedAt: string }>,
): Promise<void> {
  for (let i = 0; i < features.length; i += 500) {
    await db
      .insertInto('daily_features')
      .values(features.slice(i, i + 500).map((f) => ({ paper_id: f.paperId, day: f.day, submitted_by: f.submittedBy, submitted_at: f.submittedAt })))
      .onConflict((oc) => oc.column('paper_id').doNothing())
      .execute();
  }
}

// The counters are recounted from their tables in the UPDATE itself (no read-then-write in
// JavaScript). On PostgreSQL that is not enough on its own: under READ COMMITTED the sub-selects see
// the snapshot taken when the UPDATE started, so an UPDATE that waited for another one's row lock
// would then store a count missing the upvote the other committed. Locking the rows first and
// counting in the next statement (a fresh snapshot, after the lock) makes the last writer's count
// include every committed upvote. The lock is the one the UPDATE takes anyway (FOR NO KEY UPDATE),
// so it does not hold up upvotes being inserted meanwhile (their foreign-key check takes KEY SHARE).
// SQLite runs one writer at a time: the single UPDATE is exact.
function counterValues(now: string) {
  return (eb: ExpressionBuilder<Database, 'papers'>) => ({
    upvotes: eb.selectFrom('upvotes').select((s) => s.fn.countAll<number>().as('n')).whereRef('upvotes.paper_id', '=', 'papers.id'),
    num_comments: eb
      .selectFrom('comments')
      .select((s) => s.fn.countAll<number>().as('n'))
      .whereRef('comments.paper_id', '=', 'papers.id')
      .where('comments.hidden', '=', 0)
      .where('comments.deleted', '=', 0),
    changed_at: now,
  });
}

async function recount(db: Db, ids: string[], now: string): Promise<void> {
  const update = async (trx: Db) => {
    if (dialectOf(trx) === 'postgres') await trx.selectFrom('papers').select('id').where('id', 'in', ids).orderBy('id').forNoKeyUpdate().execute();
    await trx.updateTable('papers').set(counterValues(now)).where('id', 'in', ids).execute();
  };
  if (dialectOf(db) === 'postgres' && !db.isTransaction) await db.transaction().execute(update);
  else await update(db);
}

/** Recounts the denormalised upvote and comment counters of many papers in one statement per 500. */
export async function refreshPapersCounters(db: Db, ids: string[], now: string): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) await recount(db, ids.slice(i, i + 500), now);
}

/** Recounts the denormalised upvote and comment counters of one paper from their tables. */
export async function refreshPaperCounters(db: Db, id: string, now: string): Promise<void> {
  await recount(db, [id], now);
}
