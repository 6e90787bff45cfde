// The SQLite write path of upsertPapers: the same rows as the Kysely path (paper-rows.ts), bound
// directly to better-sqlite3 statements prepared once per connection. On a million-record import,
// compiling Kysely queries of thousands of values and the per-batch version look-ups cost about a
// third of the insert time; here a new paper is one INSERT (ON CONFLICT DO NOTHING tells new from
// existing, so nothing is looked up first) and only an id already stored has its version read.
// Synchronous: the caller holds the connection (a Kysely transaction), so nothing interleaves.
import type SqliteDatabase from 'better-sqlite3';
import type { PaperInput, UpsertResult } from './papers.js';
import { authorRows, categoryRows, isNewer, paperRow } from './paper-rows.js';

type Sqlite = SqliteDatabase.Database;

const PAPER_COLUMNS = Object.keys(paperRow({ id: '', version: 0, title: '', abstract: '', authors: [], categories: [], publishedAt: '', updatedAt: '', source: '' }, ''));
const UPDATED_COLUMNS = PAPER_COLUMNS.filter((c) => c !== 'created_at' && c !== 'id');

function prepare(sqlite: Sqlite) {
  return {
    insertPaper: sqlite.prepare(
      `insert into papers (${PAPER_COLUMNS.join(', ')}) values (${PAPER_COLUMNS.map((c) => `@${c}`).join(', ')}) on conflict (id) do nothing`,
    ),
    storedVersion: sqlite.prepare<[string], { version: number; updated_at: string }>('select version, updated_at from papers where id = ?'),
    updatePaper: sqlite.prepare(`update papers set ${UPDATED_COLUMNS.map((c) => `${c} = @${c}`).join(', ')} where id = @id`),
    insertAuthor: sqlite.prepare('insert into paper_authors (paper_id, position, name, name_key) values (@paper_id, @position, @name, @name_key) on conflict do nothing'),
    insertCategory: sqlite.prepare('insert into paper_categories (paper_id, category, is_primary) values (@paper_id, @category, @is_primary) on conflict do nothing'),
    deleteAuthors: sqlite.prepare('delete from paper_authors where paper_id = ?'),
    deleteCategories: sqlite.prepare('delete from paper_categories where paper_id = ?'),
  };
}

const statements = new WeakMap<Sqlite, ReturnType<typeof prepare>>();

/**
 * Inserts the papers that are new and updates those whose version is newer than the stored one.
 * `papers` holds each id once. Run inside a transaction.
 */
export function upsertPapersSqlite(sqlite: Sqlite, papers: PaperInput[], now: string): UpsertResult {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = prepare(sqlite)));
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0 };
  const writeChildren = (p: PaperInput) => {
    for (const row of authorRows(p)) s.insertAuthor.run(row);
    for (const row of categoryRows(p)) s.insertCategory.run(row);
  };
  for (const p of papers) {
    const row = paperRow(p, now);
    if (s.insertPaper.run(row).changes) {
      writeChildren(p);
      result.inserted++;
      continue;
    }
    const stored = s.storedVersion.get(p.id);
    if (!stored || !isNewer(p, { version: stored.version, updatedAt: stored.updated_at })) {
      result.unchanged++;
      continue;
    }
    const { created_at: _created, ...changed } = row;
    s.updatePaper.run(changed);
    s.deleteAuthors.run(p.id);
    s.deleteCategories.run(p.id);
    writeChildren(p);
    result.updated++;
  }
  return result;
}
