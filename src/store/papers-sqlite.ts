// The SQLite write path of upsertPapers: the same rows as the Kysely path (paper-rows.ts), written
// through better-sqlite3 statements prepared once per connection and row count. Rows go in as
// multi-row INSERTs (measured cheaper than a statement per row, and than Kysely's larger ones),
// and a new paper needs no look-up first: INSERT ... ON CONFLICT DO NOTHING RETURNING id says which
// papers were new; only the others have their stored version read.
// Synchronous: the caller holds the connection (a Kysely transaction), so nothing interleaves.
import type SqliteDatabase from 'better-sqlite3';
import type { PaperInput, UpsertResult } from './papers.js';
import { authorRows, categoryRows, isNewer, paperRow } from './paper-rows.js';

type Sqlite = SqliteDatabase.Database;
type Statement = SqliteDatabase.Statement;

const PAPER_COLUMNS = Object.keys(paperRow({ id: '', version: 0, title: '', abstract: '', authors: [], categories: [], publishedAt: '', updatedAt: '', source: '' }, '')) as Array<keyof ReturnType<typeof paperRow>>;
const UPDATED_COLUMNS = PAPER_COLUMNS.filter((c) => c !== 'created_at' && c !== 'id');
const AUTHOR_COLUMNS = ['paper_id', 'position', 'name', 'name_key'] as const;
const CATEGORY_COLUMNS = ['paper_id', 'category', 'is_primary'] as const;
// Rows per INSERT: enough to amortise a statement's cost. A shorter rest is written in statements
// of 64, 32, ... 1 rows, so each table needs at most eight prepared statements, whatever the counts.
const ROWS_PER_STATEMENT = 128;

/** The row counts of the statements that write `n` rows. */
function* statementSizes(n: number): Generator<number> {
  let left = n;
  for (; left >= ROWS_PER_STATEMENT; left -= ROWS_PER_STATEMENT) yield ROWS_PER_STATEMENT;
  for (let size = ROWS_PER_STATEMENT >> 1; size >= 1; size >>= 1) {
    if (left >= size) {
      yield size;
      left -= size;
    }
  }
}

class Statements {
  private readonly inserts = new Map<string, Statement>();
  readonly storedVersion: SqliteDatabase.Statement<[string], { version: number; updated_at: string }>;
  readonly updatePaper: Statement;
  readonly deleteAuthors: Statement;
  readonly deleteCategories: Statement;

  constructor(private readonly sqlite: Sqlite) {
    this.storedVersion = sqlite.prepare('select version, updated_at from papers where id = ?');
    this.updatePaper = sqlite.prepare(`update papers set ${UPDATED_COLUMNS.map((c) => `${c} = ?`).join(', ')} where id = ?`);
    this.deleteAuthors = sqlite.prepare('delete from paper_authors where paper_id = ?');
    this.deleteCategories = sqlite.prepare('delete from paper_categories where paper_id = ?');
  }

  /** INSERT of `rows` rows into `table`, prepared once per (table, row count). */
  insert(table: string, columns: readonly string[], rows: number): Statement {
    const key = `${table}:${rows}`;
    let statement = this.inserts.get(key);
    if (!statement) {
      const values = `(${columns.map(() => '?').join(', ')})`;
      const conflict = table === 'papers' ? 'on conflict (id) do nothing returning id' : 'on conflict do nothing';
      statement = this.sqlite.prepare(`insert into ${table} (${columns.join(', ')}) values ${Array(rows).fill(values).join(', ')} ${conflict}`);
      this.inserts.set(key, statement);
    }
    return statement;
  }
}

const statements = new WeakMap<Sqlite, Statements>();

/** Inserts rows (objects with `columns`) in multi-row statements; returns the statements' RETURNING ids. */
function insertRows<R>(s: Statements, table: string, columns: readonly (keyof R & string)[], rows: R[]): Set<string> {
  const returned = new Set<string>();
  let i = 0;
  for (const size of statementSizes(rows.length)) {
    const params: unknown[] = [];
    for (const end = i + size; i < end; i++) for (const c of columns) params.push(rows[i][c]);
    const statement = s.insert(table, columns, size);
    if (statement.reader) for (const r of statement.all(params) as Array<{ id: string }>) returned.add(r.id);
    else statement.run(params);
  }
  return returned;
}

function insertChildren(s: Statements, papers: PaperInput[]): void {
  insertRows(s, 'paper_authors', AUTHOR_COLUMNS, papers.flatMap(authorRows));
  insertRows(s, 'paper_categories', CATEGORY_COLUMNS, papers.flatMap(categoryRows));
}

/**
 * Inserts the papers that are new and updates those whose version is newer than the stored one.
 * `papers` holds each id once. Run inside a transaction.
 */
export function upsertPapersSqlite(sqlite: Sqlite, papers: PaperInput[], now: string): UpsertResult {
  let s = statements.get(sqlite);
  if (!s) statements.set(sqlite, (s = new Statements(sqlite)));
  const rows = papers.map((p) => paperRow(p, now));
  const inserted = insertRows(s, 'papers', PAPER_COLUMNS, rows);
  const fresh = inserted.size === papers.length ? papers : papers.filter((p) => inserted.has(p.id));
  insertChildren(s, fresh);
  const result: UpsertResult = { inserted: fresh.length, updated: 0, unchanged: 0 };
  if (fresh.length === papers.length) return result;
  const changed: PaperInput[] = [];
  papers.forEach((p, i) => {
    if (inserted.has(p.id)) return;
    const stored = s.storedVersion.get(p.id);
    if (!stored || !isNewer(p, { version: stored.version, updatedAt: stored.updated_at })) {
      result.unchanged++;
      return;
    }
    const row = rows[i];
    s.updatePaper.run([...UPDATED_COLUMNS.map((c) => row[c]), p.id]);
    s.deleteAuthors.run(p.id);
    s.deleteCategories.run(p.id);
    changed.push(p);
  });
  insertChildren(s, changed);
  result.updated = changed.length;
  return result;
}
