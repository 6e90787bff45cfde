// What keyword search filters on, keyed by papers.rowid (SQLite only), so that a filtered query
// tests each full-text match with one lookup in a narrow table. Before, dates and categories
// became rowid lists built per query (a year at 1M papers: 84,000 rowids, ~44 ms CPU to build
// the list alone) and hidden/has:code read each match's 2 KB papers row.
// Kept in step by triggers on papers and paper_categories.
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../db.js';

const HAS_CODE = (row: 'new' | 'p') => `(${row}.github_repo is not null or ${row}.links like '%"code":["%')`;

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  await sql`create table search_filter_rows (
    paper_rowid integer primary key,
    published_at text not null,
    hidden integer not null,
    has_code integer not null
  )`.execute(db);
  await sql`create table search_category_rows (
    category text not null,
    paper_rowid integer not null,
    primary key (category, paper_rowid)
  ) without rowid`.execute(db);

  await sql.raw(`insert into search_filter_rows select p.rowid, p.published_at, p.hidden, ${HAS_CODE('p')} from papers p`).execute(db);
  await sql`insert or ignore into search_category_rows select c.category, p.rowid from paper_categories c join papers p on p.id = c.paper_id`.execute(db);

  await sql
    .raw(
      `create trigger search_filter_rows_ai after insert on papers begin
        insert or replace into search_filter_rows values (new.rowid, new.published_at, new.hidden, ${HAS_CODE('new')});
      end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger search_filter_rows_au after update of published_at, hidden, github_repo, links on papers begin
        update search_filter_rows set published_at = new.published_at, hidden = new.hidden, has_code = ${HAS_CODE('new')} where paper_rowid = new.rowid;
      end`,
    )
    .execute(db);
  await sql`create trigger search_filter_rows_ad after delete on papers begin
    delete from search_filter_rows where paper_rowid = old.rowid;
    delete from search_category_rows where paper_rowid = old.rowid;
  end`.execute(db);
  await sql`create trigger search_category_rows_ai after insert on paper_categories begin
    insert or ignore into search_category_rows select new.category, rowid from papers where id = new.paper_id;
  end`.execute(db);
  await sql`create trigger search_category_rows_ad after delete on paper_categories begin
    delete from search_category_rows where category = old.category and paper_rowid = (select rowid from papers where id = old.paper_id);
  end`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
