// PostgreSQL vectors, third step (nothing on SQLite): vectors are kept inside their table row
// (STORAGE MAIN) instead of pgvector's default EXTERNAL, which moves any vector past ~2 kB (512
// float4s are 2,056 bytes) into the TOAST table. A vector query re-ranks a few hundred candidates
// by exact distance (src/search/pg/index.ts); out of line each one costs a TOAST index probe and
// one or two chunk pages besides its row. Re-ranking 400 of 200,000 stored 512-dim vectors took
// 14-41 ms out of line, 7.5-8.5 ms in line (bench/results/postgres.md). Vectors too large for a
// page (over ~2,000 dimensions) still go out of line.
// Vectors stored before this step stay where they are until rewritten: a re-embedding moves them,
// or VACUUM FULL search_vectors moves all of them at once (it also rebuilds the vector index:
// about 25 minutes at 1,000,000 vectors on two cores).
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../db.js';

/** Keeps vectors in their row; also run when the vector table is made later, at run time. */
export const inlineVectorsSql = `alter table search_vectors alter column vec set storage main`;

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  const [state] = (await sql<{ table: boolean }>`select to_regclass('search_vectors') is not null as table`.execute(db)).rows;
  if (state?.table) await sql.raw(inlineVectorsSql).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
