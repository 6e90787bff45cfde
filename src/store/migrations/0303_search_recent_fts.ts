// The full-text index of the newest papers (SQLite only): src/search/sqlite/recent-fts.ts says why.
// Contentless (the text stays in papers; search reads papers rows, never this index's text), with
// deletes by rowid, the same tokenizer and field weights as papers_fts, and triggers like its own.
import { type Kysely, sql } from 'kysely';
import { RECENT_FROM_KEY, RECENT_PAPERS } from '../../search/sqlite/recent-fts.js';
import { dialectOf } from '../db.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  await sql`create virtual table papers_fts_recent using fts5(
    title, authors, abstract,
    content='', contentless_delete=1,
    tokenize='porter unicode61 remove_diacritics 2'
  )`.execute(db);
  await sql`insert into papers_fts_recent(papers_fts_recent, rank) values ('rank', 'bm25(10.0, 4.0, 1.0)')`.execute(db);

  // The newest RECENT_PAPERS papers of the full index go in now; the cutoff is the rowid below them.
  const cutoff = (await sql<{ id: number }>`select id from papers_fts_docsize order by id desc limit 1 offset ${RECENT_PAPERS}`.execute(db)).rows[0]?.id ?? 0;
  await sql`insert into meta (key, value) values (${RECENT_FROM_KEY}, ${String(cutoff)})`.execute(db);
  await sql`insert into papers_fts_recent(rowid, title, authors, abstract)
    select rowid, title, authors, abstract from papers where rowid in (select id from papers_fts_docsize where id > ${cutoff})`.execute(db);

  // New papers always have the highest rowids; an older paper (below the cutoff) is not in here.
  const inRecent = (row: 'new' | 'old') => `${row}.rowid > (select cast(value as integer) from meta where key = '${RECENT_FROM_KEY}')`;
  await sql
    .raw(
      `create trigger papers_fts_recent_ai after insert on papers when ${inRecent('new')} begin
        insert into papers_fts_recent(rowid, title, authors, abstract) values (new.rowid, new.title, new.authors, new.abstract);
      end`,
    )
    .execute(db);
  await sql`create trigger papers_fts_recent_ad after delete on papers begin
    delete from papers_fts_recent where rowid = old.rowid;
  end`.execute(db);
  await sql
    .raw(
      `create trigger papers_fts_recent_au after update of title, authors, abstract on papers
        when (old.title is not new.title or old.authors is not new.authors or old.abstract is not new.abstract) and ${inRecent('old')} begin
        delete from papers_fts_recent where rowid = old.rowid;
        insert into papers_fts_recent(rowid, title, authors, abstract) values (new.rowid, new.title, new.authors, new.abstract);
      end`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
