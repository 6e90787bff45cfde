// Search index objects for PostgreSQL (nothing on SQLite, which has its own in 0300):
// - a tsvector per paper with weighted fields (title A, authors B, abstract C) in paper_search, kept
//   by a trigger that fires only when one of those columns changes (counter updates cost nothing),
//   and its GIN index. The language lives in the trigger function; `search reindex` replaces it when
//   PAPERBOY_SEARCH_LANGUAGE changes (src/search/pg/index.ts).
// - a table of indexed words and their document counts for did-you-mean (refreshed by the index).
// - full embedding vectors (pgvector), when the server has the extension; the HNSW index is made at
//   run time per model dimension, because its column type must name the dimension.
// - the same embedding bookkeeping triggers as SQLite: a changed text needs a new vector.
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../db.js';

export const INITIAL_LANGUAGE = 'english';

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;

  // Beside papers rather than in it, so that reading papers never drags their tsvector along.
  await sql`create table paper_search (
    paper_id text primary key references papers(id) on delete cascade,
    tsv tsvector not null
  )`.execute(db);
  await sql.raw(tsvFunction(INITIAL_LANGUAGE)).execute(db);
  await sql`create trigger papers_search_tsv_ai after insert on papers
    for each row execute function paperboy_papers_tsv()`.execute(db);
  await sql`create trigger papers_search_tsv_au after update of title, authors, abstract on papers for each row
    when (old.title is distinct from new.title or old.authors is distinct from new.authors or old.abstract is distinct from new.abstract)
    execute function paperboy_papers_tsv()`.execute(db);
  // A database that already holds papers gets them indexed now.
  await sql.raw(`insert into paper_search(paper_id, tsv) select id, ${tsvExpression(INITIAL_LANGUAGE)} from papers`).execute(db);
  await sql`create index paper_search_tsv on paper_search using gin (tsv)`.execute(db);
  await sql`insert into meta(key, value) values ('search.language', ${INITIAL_LANGUAGE})
    on conflict (key) do update set value = excluded.value`.execute(db);

  await db.schema
    .createTable('search_terms')
    .addColumn('term', 'text', (c) => c.primaryKey())
    .addColumn('docs', 'integer', (c) => c.notNull())
    .execute();

  await sql`create function paperboy_papers_embedding() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        delete from embedding_state where paper_id = old.id;
        return old;
      end if;
      if old.title is distinct from new.title or old.abstract is distinct from new.abstract then
        delete from embedding_state where paper_id = new.id;
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger papers_embedding after update of title, abstract or delete on papers
    for each row execute function paperboy_papers_embedding()`.execute(db);
  await db.schema.createIndex('embedding_state_model').on('embedding_state').columns(['model', 'paper_id']).execute();

  await createVectorTable(db);
}

/** The trigger function that indexes a paper's words in one text-search language. */
export function tsvFunction(language: string): string {
  if (!/^[a-z_]+$/.test(language)) throw new Error(`bad text-search configuration name: ${language}`);
  // authors is a JSON array; its brackets and quotes are punctuation to the parser.
  return `create or replace function paperboy_papers_tsv() returns trigger language plpgsql as $$
    begin
      insert into paper_search(paper_id, tsv) values (new.id, ${tsvExpression(language, 'new.')})
      on conflict (paper_id) do update set tsv = excluded.tsv;
      return null;
    end $$`;
}

/** The weighted tsvector of a papers row: title A, authors B, abstract C. */
export function tsvExpression(language: string, prefix = ''): string {
  if (!/^[a-z_]+$/.test(language)) throw new Error(`bad text-search configuration name: ${language}`);
  return `setweight(to_tsvector('${language}'::regconfig, coalesce(${prefix}title, '')), 'A') ||
        setweight(to_tsvector('${language}'::regconfig, coalesce(${prefix}authors, '')), 'B') ||
        setweight(to_tsvector('${language}'::regconfig, coalesce(${prefix}abstract, '')), 'C')`;
}

/**
 * Creates the vector table when the server offers pgvector (returns false when it does not: search
 * then runs on full text only). Also called at run time, for servers that get pgvector later.
 */
export async function createVectorTable(db: Kysely<any>): Promise<boolean> {
  const state = await sql<{ available: boolean; installed: boolean; superuser: boolean }>`select
      exists (select 1 from pg_available_extensions where name = 'vector') as available,
      exists (select 1 from pg_extension where extname = 'vector') as installed,
      (select rolsuper from pg_roles where rolname = current_user) as superuser`.execute(db);
  const s = state.rows[0];
  // Installing an extension takes a superuser; otherwise an administrator runs CREATE EXTENSION
  // vector once (docs/deploy.md) and the table is made at the next start.
  if (!s?.available || (!s.installed && !s.superuser)) return false;
  await sql`create extension if not exists vector`.execute(db);
  await sql`create table if not exists search_vectors (
    id bigserial primary key,
    paper_id text not null unique references papers(id) on delete cascade,
    model text not null,
    dims integer not null,
    vec vector not null
  )`.execute(db);
  return true;
}

/**
 * The HNSW index (cosine) over the vectors of one dimension. The column holds vectors of any
 * dimension (one per model), so the index is on the cast expression, partial on `dims`; queries
 * must use the same expression to be served by it (src/search/pg/index.ts).
 */
export function hnswIndexSql(dims: number): string {
  if (!Number.isInteger(dims) || dims < 1 || dims > 16_000) throw new Error(`unsupported vector dimension ${dims}`);
  return `create index if not exists search_vectors_hnsw_${dims} on search_vectors
    using hnsw ((vec::vector(${dims})) vector_cosine_ops) where dims = ${dims}`;
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
