// A second, small FTS5 index holding only the newest papers (papers_fts_recent, migration 0303).
// Why: FTS5's bm25() computes each query term's IDF by reading that term's whole position list on
// every query, whatever the LIMIT or rank window. At 1,000,000 papers that is most of a broad
// query's time ("models", 645,000 matches: 30 ms CPU ranked, 1 ms to find the newest 10,000
// unranked). Relevance ranks a query's newest RANK_WINDOW matches (index.ts); when the newest
// papers alone hold that many, those matches are all here and the same window is ranked from this
// index, whose lists are a tenth as long. BM25's IDF and average lengths then come from the newest
// papers (a sample of the same corpus) instead of all of them. Narrower queries use the full index.
//
// Kept in step by triggers on papers (as papers_fts is); papers above the cutoff (a rowid, in meta)
// belong here. A bulk import suspends those triggers with the full-text ones (fts-bulk.ts), so the
// index can miss papers: it is used only while it holds exactly the papers above the cutoff that
// the full index holds (checked by counting, cached briefly), and `maintainRecentIndex` (the
// worker, every few minutes) indexes what is missing and trims it back to RECENT_PAPERS.
import type SqliteDatabase from 'better-sqlite3';

type Db = SqliteDatabase.Database;

/** Papers the recent index keeps after a trim; it is trimmed when it holds half as many again. */
export const RECENT_PAPERS = 100_000;
export const RECENT_FROM_KEY = 'search.recent_from';
const CHUNK = 10_000;

const cutoffOf = (db: Db) => Number((db.prepare('select value from meta where key = ?').pluck().get(RECENT_FROM_KEY) as string | undefined) ?? 0);

/**
 * Whether the recent index holds every indexed paper above its cutoff and nothing else, and
 * leaves out some papers (otherwise it is the full index again and searching it first is waste).
 */
export function recentIndexUsable(db: Db): boolean {
  const cutoff = cutoffOf(db);
  if (cutoff <= 0) return false;
  const recent = db.prepare('select count(*) from papers_fts_recent_docsize').pluck().get() as number;
  const above = db.prepare('select count(*) from papers_fts_docsize where id > ?').pluck().get(cutoff) as number;
  return recent === above;
}

/**
 * Trims the recent index to the newest `keep` papers once it holds more than 1.5 x keep, and
 * indexes the papers above the cutoff that it lacks and drops those the full index lost (both
 * after a bulk import). Each step commits in
 * chunks, so writers are never held up for long. Returns what it did.
 */
export function maintainRecentIndex(db: Db, keep = RECENT_PAPERS): { trimmed: number; indexed: number; removed: number } {
  let trimmed = 0;
  let indexed = 0;
  const cutoff = cutoffOf(db);
  const above = db.prepare('select count(*) from papers_fts_docsize where id > ?').pluck().get(cutoff) as number;
  if (above > keep * 1.5) {
    const next = db.prepare('select id from papers_fts_docsize order by id desc limit 1 offset ?').pluck().get(keep) as number;
    // The new cutoff first: until the trim is done the counts differ and searches use the full index.
    db.prepare('insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value').run(RECENT_FROM_KEY, String(next));
    const trim = db.prepare('delete from papers_fts_recent where rowid in (select id from papers_fts_recent_docsize where id <= ? limit ?)');
    for (let n = CHUNK; n === CHUNK; ) {
      n = db.transaction(() => trim.run(next, CHUNK).changes)();
      trimmed += n;
    }
  }
  // Ids are read first and written after: the index is not read and written in one statement.
  const from = cutoffOf(db);
  const missing = db.prepare(
    `select d.id from papers_fts_docsize d where d.id > ? and not exists (select 1 from papers_fts_recent_docsize r where r.id = d.id) limit ?`,
  );
  const fill = db.prepare(
    `insert into papers_fts_recent(rowid, title, authors, abstract)
     select rowid, title, authors, abstract from papers where rowid in (select value from json_each(?))`,
  );
  for (let ids = missing.pluck().all(from, CHUNK); ids.length; ids = missing.pluck().all(from, CHUNK)) {
    indexed += db.transaction(() => fill.run(JSON.stringify(ids)).changes)();
  }
  // Papers removed from the full index while the triggers were suspended.
  const gone = db.prepare('select r.id from papers_fts_recent_docsize r where not exists (select 1 from papers_fts_docsize d where d.id = r.id)').pluck().all();
  const remove = db.prepare('delete from papers_fts_recent where rowid = ?');
  db.transaction(() => {
    for (const id of gone) remove.run(id);
  })();
  return { trimmed, indexed, removed: gone.length };
}
