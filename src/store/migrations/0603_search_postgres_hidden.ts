// PostgreSQL full text, third step (nothing on SQLite): the ids of hidden papers in a partial index
// of their own. A search without filters drops hidden papers by probing this small index for each
// match (src/search/pg/index.ts) instead of reading each match's papers row, which on a million
// papers cost as much as ranking the matches.
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../db.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  await sql`create index if not exists papers_hidden on papers (id) where hidden <> 0`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
