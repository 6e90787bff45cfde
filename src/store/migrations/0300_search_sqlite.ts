// Search index objects for SQLite: an external-content FTS5 index over papers kept in step by
// triggers, its vocabulary (did-you-mean), and the table of full embedding vectors.
// PostgreSQL gets tsvector/pgvector in its own migration; nothing here runs there.
// The sqlite-vec quantized table is created at run time by src/search/sqlite/vectors.ts, because its
// dimension depends on the configured model and the extension is loaded only by the search code.
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../db.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;

  // Porter stemming on top of unicode61 (diacritics folded): "networks" finds "network".
  // External content: the text lives once, in papers; FTS5 keeps only the inverted index.
  await sql`create virtual table papers_fts using fts5(
    title, authors, abstract,
    content='papers', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2'
  )`.execute(db);
  // Field weights for bm25: a word in the title counts most, then authors, then the abstract.
  await sql`insert into papers_fts(papers_fts, rank) values ('rank', 'bm25(10.0, 4.0, 1.0)')`.execute(db);
  await sql`create virtual table papers_fts_vocab using fts5vocab(papers_fts, 'row')`.execute(db);

  // Each trigger is one FTS5 write per changed row; the update trigger fires only when an indexed
  // column really changed, so counter updates (upvotes, comments) cost nothing here.
  await sql`create trigger papers_fts_ai after insert on papers begin
    insert into papers_fts(rowid, title, authors, abstract) values (new.rowid, new.title, new.authors, new.abstract);
  end`.execute(db);
  await sql`create trigger papers_fts_ad after delete on papers begin
    insert into papers_fts(papers_fts, rowid, title, authors, abstract) values ('delete', old.rowid, old.title, old.authors, old.abstract);
  end`.execute(db);
  await sql`create trigger papers_fts_au after update of title, authors, abstract on papers
    when old.title is not new.title or old.authors is not new.authors or old.abstract is not new.abstract begin
    insert into papers_fts(papers_fts, rowid, title, authors, abstract) values ('delete', old.rowid, old.title, old.authors, old.abstract);
    insert into papers_fts(rowid, title, authors, abstract) values (new.rowid, new.title, new.authors, new.abstract);
  end`.execute(db);

  // Full vectors, one per paper, with the model that made them; the id keys the quantized copy.
  await db.schema
    .createTable('search_vectors')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('paper_id', 'text', (c) => c.notNull().unique())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('dims', 'integer', (c) => c.notNull())
    .addColumn('vec', 'blob', (c) => c.notNull())
    .execute();

  // A changed title or abstract needs a new vector; a removed paper leaves none behind.
  await sql`create trigger papers_embedding_au after update of title, abstract on papers
    when old.title is not new.title or old.abstract is not new.abstract begin
    delete from embedding_state where paper_id = new.id;
  end`.execute(db);
  await sql`create trigger papers_embedding_ad after delete on papers begin
    delete from embedding_state where paper_id = old.id;
    delete from search_vectors where paper_id = old.id;
  end`.execute(db);
  await db.schema.createIndex('embedding_state_model').on('embedding_state').columns(['model', 'paper_id']).execute();

  // A database that already holds papers gets them indexed now.
  await sql`insert into papers_fts(papers_fts) values ('rebuild')`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
