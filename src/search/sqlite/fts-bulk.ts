// Bulk-import mode for the SQLite full-text index. The FTS5 insert trigger on `papers` roughly
// doubles the CPU cost of each imported paper; a large import instead suspends the triggers,
// inserts, then indexes the new rows in one pass ("catch-up"), which costs about half as much.
//
// Safety: the triggers are swapped in the same transaction that writes a durable marker (a `meta`
// row holding the original trigger definitions), so a process killed mid-import leaves a store that
// says so. `repairFtsBulk` (run by the next import, and meant for every start) indexes what is
// missing and restores the triggers. Rows are "indexed" exactly when FTS5 holds their docsize row,
// so the catch-up indexes precisely the papers missing from the index: nothing twice, nothing lost,
// whoever inserted them (another process's harvest during the import included).
import { hostname } from 'node:os';
import type SqliteDatabase from 'better-sqlite3';

type Sqlite = SqliteDatabase.Database;

const MARKER_KEY = 'fts-bulk-import';
/** FTS5's per-row table of the papers index: a row exists for every indexed paper. */
const DOCSIZE = 'papers_fts_docsize';
const CATCH_UP_CHUNK = 50_000;

interface Marker {
  pid: number;
  host: string;
  startedAt: string;
  /** Max rowid of papers when the mode began: rows above it are the ones to index. */
  fromRowid: number;
  /** The full-text triggers of `papers` as they were, restored verbatim at the end. */
  triggers: Array<{ name: string; sql: string }>;
}

// While the mode is on, papers already indexed must stay right when an import updates or deletes
// them (a newer version of a paper that was already searchable); papers not yet indexed are left to
// the catch-up, which reads their current text.
const BULK_TRIGGERS = [
  `create trigger papers_fts_bulk_au after update of title, authors, abstract on papers
    when (old.title is not new.title or old.authors is not new.authors or old.abstract is not new.abstract)
      and exists (select 1 from ${DOCSIZE} where id = old.rowid) begin
    insert into papers_fts(papers_fts, rowid, title, authors, abstract) values ('delete', old.rowid, old.title, old.authors, old.abstract);
    insert into papers_fts(rowid, title, authors, abstract) values (new.rowid, new.title, new.authors, new.abstract);
  end`,
  `create trigger papers_fts_bulk_ad after delete on papers
    when exists (select 1 from ${DOCSIZE} where id = old.rowid) begin
    insert into papers_fts(papers_fts, rowid, title, authors, abstract) values ('delete', old.rowid, old.title, old.authors, old.abstract);
  end`,
];
const BULK_TRIGGER_NAMES = ['papers_fts_bulk_au', 'papers_fts_bulk_ad'];

function readMarker(sqlite: Sqlite): Marker | undefined {
  const row = sqlite.prepare('select value from meta where key = ?').get(MARKER_KEY) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as Marker) : undefined;
}

function hasTable(sqlite: Sqlite, name: string): boolean {
  return !!sqlite.prepare(`select 1 from sqlite_master where name = ?`).get(name);
}

/** True while a bulk import's papers may be missing from the full-text index (search can say so). */
export function ftsBulkInProgress(sqlite: Sqlite): boolean {
  return !!readMarker(sqlite);
}

export interface FtsBulkHandle {
  readonly pid: number;
  readonly startedAt: string;
}

/**
 * Suspends the full-text triggers of `papers`. Returns undefined (and changes nothing) when there is
 * nothing to suspend: no FTS5 index, or a bulk import already under way in a live process.
 */
export function beginFtsBulk(sqlite: Sqlite, now: string): FtsBulkHandle | undefined {
  if (!hasTable(sqlite, DOCSIZE)) return undefined;
  const begin = sqlite.transaction((): FtsBulkHandle | undefined => {
    if (readMarker(sqlite)) return undefined;
    const triggers = sqlite
      .prepare(`select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'papers' and sql like '%papers_fts%' order by name`)
      .all() as Array<{ name: string; sql: string }>;
    if (!triggers.length) return undefined;
    const fromRowid = (sqlite.prepare('select coalesce(max(rowid), 0) m from papers').get() as { m: number }).m;
    for (const t of triggers) sqlite.exec(`drop trigger "${t.name.replace(/"/g, '""')}"`);
    for (const ddl of BULK_TRIGGERS) sqlite.exec(ddl);
    const marker: Marker = { pid: process.pid, host: hostname(), startedAt: now, fromRowid, triggers };
    sqlite.prepare('insert into meta (key, value) values (?, ?)').run(MARKER_KEY, JSON.stringify(marker));
    return { pid: marker.pid, startedAt: marker.startedAt };
  });
  return begin.immediate();
}

/**
 * Indexes papers above `fromRowid` that the index lacks, one statement per chunk of rowids, so the
 * work is resumable and each commit bounded. Returns how many papers it indexed.
 *
 * Each chunk runs on its own (autocommit), not inside BEGIN ... COMMIT: a multi-row statement in an
 * explicit transaction gets a statement journal holding the original of every page it changes, kept
 * in memory under temp_store=MEMORY, and FTS5's segment merges change many pages of a large index.
 * On its own, the statement is the transaction and needs no such journal.
 */
function catchUp(sqlite: Sqlite, fromRowid: number, onProgress?: (indexed: number) => void): { indexed: number; upTo: number } {
  const maxRowid = () => (sqlite.prepare('select coalesce(max(rowid), 0) m from papers').get() as { m: number }).m;
  const index = sqlite.prepare(
    `insert into papers_fts(rowid, title, authors, abstract)
     select p.rowid, p.title, p.authors, p.abstract from papers p
     where p.rowid > ? and p.rowid <= ? and not exists (select 1 from ${DOCSIZE} d where d.id = p.rowid)`,
  );
  let indexed = 0;
  let lo = fromRowid;
  for (let hi = maxRowid(); lo < hi; hi = maxRowid()) {
    const top = Math.min(hi, lo + CATCH_UP_CHUNK);
    indexed += index.run(lo, top).changes;
    lo = top;
    onProgress?.(indexed);
  }
  return { indexed, upTo: lo };
}

/** Papers not in the full-text index, whatever their rowid (the exact check, over a covering index). */
function indexMissing(sqlite: Sqlite): number {
  const papers = (sqlite.prepare('select count(*) n from papers').get() as { n: number }).n;
  const docs = (sqlite.prepare(`select count(*) n from ${DOCSIZE}`).get() as { n: number }).n;
  if (papers === docs) return 0;
  // A rowid freed by a delete can be reused below fromRowid: index every paper the index lacks.
  return sqlite
    .prepare(
      `insert into papers_fts(rowid, title, authors, abstract)
       select p.rowid, p.title, p.authors, p.abstract from papers p
       where not exists (select 1 from ${DOCSIZE} d where d.id = p.rowid)`,
    )
    .run().changes;
}

export interface FtsBulkEnd {
  /** Papers indexed by the catch-up. */
  indexed: number;
  /** Whether this call restored the triggers (false: another live bulk import owns the mode). */
  restored: boolean;
}

/**
 * Ends bulk mode: indexes every paper the index lacks, then, in one transaction with a last
 * catch-up, restores the original triggers and removes the marker. Only the marker's owner
 * restores (`owner` undefined: whoever it is, for a repair).
 */
export function endFtsBulk(sqlite: Sqlite, owner?: FtsBulkHandle, onProgress?: (indexed: number) => void): FtsBulkEnd {
  const marker = readMarker(sqlite);
  if (!marker) return { indexed: 0, restored: false };
  let { indexed, upTo } = catchUp(sqlite, marker.fromRowid, onProgress);
  const finish = sqlite.transaction((): boolean => {
    const current = readMarker(sqlite);
    if (!current || (owner && (current.pid !== owner.pid || current.startedAt !== owner.startedAt))) return false;
    indexed += catchUp(sqlite, upTo).indexed + indexMissing(sqlite);
    for (const name of BULK_TRIGGER_NAMES) sqlite.exec(`drop trigger if exists ${name}`);
    // A trigger of that name already there (a migration that ran meanwhile) is newer than ours.
    const exists = sqlite.prepare(`select 1 from sqlite_master where type = 'trigger' and name = ?`);
    for (const t of current.triggers) if (!exists.get(t.name)) sqlite.exec(t.sql);
    sqlite.prepare('delete from meta where key = ?').run(MARKER_KEY);
    return true;
  });
  // better-sqlite3 nests: the catch-up inside runs as savepoints of this one transaction.
  const restored = finish.immediate();
  return { indexed, restored };
}

/**
 * Indexes the papers missing from the index without ending bulk mode: for an import that ran while
 * another process held the mode (its rows went in without the insert trigger).
 */
export function indexMissingPapers(sqlite: Sqlite): number {
  const marker = readMarker(sqlite);
  if (!marker) return 0;
  const { indexed } = catchUp(sqlite, marker.fromRowid);
  return indexed + sqlite.transaction(() => indexMissing(sqlite)).immediate();
}

function ownerAlive(marker: Marker): boolean {
  if (marker.host !== hostname()) return true; // another machine's process: we cannot tell, so wait
  if (marker.pid === process.pid) return false; // our own marker, left by an earlier run of this process's code path
  try {
    process.kill(marker.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Finishes a bulk import whose process died (killed, crashed): indexes the papers it left
 * unindexed and restores the triggers. Does nothing when no bulk import is recorded, or when its
 * process is still running (unless `force`). Returns what it did, for the log.
 */
export function repairFtsBulk(sqlite: Sqlite, options: { force?: boolean } = {}): FtsBulkEnd & { found: boolean } {
  if (!hasTable(sqlite, 'meta')) return { found: false, indexed: 0, restored: false };
  const marker = readMarker(sqlite);
  if (!marker) return { found: false, indexed: 0, restored: false };
  if (!options.force && ownerAlive(marker)) return { found: true, indexed: 0, restored: false };
  return { found: true, ...endFtsBulk(sqlite) };
}
