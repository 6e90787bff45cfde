// Ingest bookkeeping: harvest cursors (where an OAI-PMH harvest stands, so that it resumes) and
// ingest problems (bad records, with where they were found).
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './db.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface HarvestCursor {
  source: string;
  /** Datestamp of the last harvest that ran to its end: the next run's `from`. */
  datestamp: string | null;
  /** Token of the next page while a harvest is in progress; null when none is. */
  resumptionToken: string | null;
  /** The `from` of the harvest in progress (a bad token restarts from here). */
  startedFrom: string | null;
  updatedAt: string;
}

export async function getCursor(db: Db, source: string): Promise<HarvestCursor | undefined> {
  const row = await db.selectFrom('harvest_cursors').selectAll().where('source', '=', source).executeTakeFirst();
  return (
    row && {
      source: row.source,
      datestamp: row.datestamp,
      resumptionToken: row.resumption_token,
      startedFrom: row.started_from,
      updatedAt: row.updated_at,
    }
  );
}

export async function saveCursor(db: Db, cursor: HarvestCursor): Promise<void> {
  const values = {
    datestamp: cursor.datestamp,
    resumption_token: cursor.resumptionToken,
    started_from: cursor.startedFrom,
    updated_at: cursor.updatedAt,
  };
  await db
    .insertInto('harvest_cursors')
    .values({ source: cursor.source, ...values })
    .onConflict((oc) => oc.column('source').doUpdateSet(values))
    .execute();
}

export async function listCursors(db: Db): Promise<HarvestCursor[]> {
  const rows = await db.selectFrom('harvest_cursors').selectAll().orderBy('source').execute();
  return rows.map((row) => ({
    source: row.source,
    datestamp: row.datestamp,
    resumptionToken: row.resumption_token,
    startedFrom: row.started_from,
    updatedAt: row.updated_at,
  }));
}

export interface IngestProblem {
  source: string; // file path, URL or source name
  location: string; // "line 12", "record 2401.01234", a URL
  message: string;
}

export async function recordProblems(db: Db, problems: IngestProblem[], now: string): Promise<void> {
  for (let i = 0; i < problems.length; i += 500) {
    await db
      .insertInto('ingest_problems')
      .values(problems.slice(i, i + 500).map((p) => ({ ...p, created_at: now })))
      .execute();
  }
}

export async function recentProblems(db: Db, limit = 50): Promise<Array<IngestProblem & { createdAt: string }>> {
  const rows = await db.selectFrom('ingest_problems').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ source: r.source, location: r.location, message: r.message, createdAt: r.created_at }));
}

// A bulk load touches each page once; a big page cache buys it little and costs resident memory
// (64 MiB by default). 16 MiB keeps a million-record import's memory flat at a few percent of speed.
export const BULK_CACHE_KIB = 16_384;

/** Runs a bulk load (snapshot import, seeding) with a smaller SQLite page cache, restored afterwards. */
export async function withBulkLoad<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  if (!store.sqlite) return fn();
  const before = store.sqlite.pragma('cache_size', { simple: true }) as number;
  store.sqlite.pragma(`cache_size = -${BULK_CACHE_KIB}`);
  try {
    return await fn();
  } finally {
    store.sqlite.pragma(`cache_size = ${before}`);
  }
}
