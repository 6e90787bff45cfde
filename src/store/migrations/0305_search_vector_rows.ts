// Two narrow lookups for SQLite vector search, so that neither reads the 2 KB papers rows:
// - search_vector_rows: each stored vector's id beside its paper's rowid, kept by triggers on
//   search_vectors. A vector search with a narrow category filter finds that category's vectors
//   through search_category_rows (0304) and this table. Before, it read every paper of the category
//   and its int8 copy by paper id (1M papers, cat:math.NT, ~22,000 papers: 0.4-0.5 s).
// - search_filter_rows_hidden: the hidden papers alone, so that the number of visible papers (vector
//   coverage, asked once a minute by hybrid search) is two cheap counts instead of a scan of papers
//   (1M papers: 1.7 s on the first hybrid query of the search benchmark).
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../db.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  // Keyed by paper (a paper has one vector: search_vectors.paper_id is unique); found by vector id
  // when the vector goes (its paper may be gone already then).
  await sql`create table search_vector_rows (
    paper_rowid integer primary key,
    vector_id integer not null
  )`.execute(db);
  // From the int8 copies' paper index (0302), not the 2 KB float rows: same ids, a fraction of the reads.
  await sql`insert or replace into search_vector_rows select p.rowid, v.id from search_vector_int8 v join papers p on p.id = v.paper_id`.execute(db);
  await sql`create index search_vector_rows_vector on search_vector_rows(vector_id)`.execute(db);
  await sql`create trigger search_vector_rows_ai after insert on search_vectors begin
    insert or replace into search_vector_rows select rowid, new.id from papers where id = new.paper_id;
  end`.execute(db);
  await sql`create trigger search_vector_rows_ad after delete on search_vectors begin
    delete from search_vector_rows where vector_id = old.id;
  end`.execute(db);

  await sql`create index search_filter_rows_hidden on search_filter_rows(paper_rowid) where hidden = 1`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
