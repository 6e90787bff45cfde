// PostgreSQL full text, second step: what a search over a million papers needs to stay fast when
// its words match a large share of them (nothing on SQLite).
// - paper_search.title_tsv, the title's words alone, with its own GIN index: title matches outrank
//   abstract-only matches tenfold, so a broad query ranks its title matches first without reading
//   every matching abstract (src/search/pg/index.ts).
// - paper_search.published_at (a copy of papers.published_at) in a btree index that also carries
//   the title's words, so that "the newest title matches" is an index-only walk over ~170-byte
//   entries, never touching the ~1.5 kB rows that hold the weighted tsvector.
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../db.js';
import { tsvExpression } from './0600_search_postgres.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  const [row] = (await sql<{ value: string }>`select value from meta where key = 'search.language'`.execute(db)).rows;
  const language = row?.value ?? 'english';

  await sql`alter table paper_search add column title_tsv tsvector not null default ''::tsvector, add column published_at text not null default ''`.execute(db);
  await sql.raw(tsvFunction(language)).execute(db);
  await sql`drop trigger papers_search_tsv_au on papers`.execute(db);
  await sql`create trigger papers_search_tsv_au after update of title, authors, abstract, published_at on papers for each row
    when (old.title is distinct from new.title or old.authors is distinct from new.authors or old.abstract is distinct from new.abstract
          or old.published_at is distinct from new.published_at)
    execute function paperboy_papers_tsv()`.execute(db);
  // Rewrites every row (a large store needs a VACUUM afterwards for index-only scans).
  await sql.raw(`update paper_search s set title_tsv = ${titleTsvExpression(language, 'p.')}, published_at = p.published_at from papers p where p.id = s.paper_id`).execute(db);
  await sql`create index paper_search_title on paper_search using gin (title_tsv)`.execute(db);
  await sql`create index paper_search_published on paper_search (published_at desc, paper_id) include (title_tsv)`.execute(db);
}

/** The title's words alone, in one text-search language. */
export function titleTsvExpression(language: string, prefix = ''): string {
  if (!/^[a-z_]+$/.test(language)) throw new Error(`bad text-search configuration name: ${language}`);
  return `to_tsvector('${language}'::regconfig, coalesce(${prefix}title, ''))`;
}

/** The columns of a paper_search row computed from a papers row (`prefix` names it, e.g. `new.`). */
export function searchRowValues(language: string, prefix = ''): string {
  return `${tsvExpression(language, prefix)}, ${titleTsvExpression(language, prefix)}, ${prefix}published_at`;
}

/** The trigger function that indexes a paper's words in one text-search language (replaces 0600's). */
export function tsvFunction(language: string): string {
  return `create or replace function paperboy_papers_tsv() returns trigger language plpgsql as $$
    begin
      insert into paper_search(paper_id, tsv, title_tsv, published_at) values (new.id, ${searchRowValues(language, 'new.')})
      on conflict (paper_id) do update set tsv = excluded.tsv, title_tsv = excluded.title_tsv, published_at = excluded.published_at;
      return null;
    end $$`;
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
