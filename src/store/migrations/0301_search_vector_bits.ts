// 1-bit copies of the search vectors in a plain table (SQLite only): the prefilter scans them from
// memory (src/search/sqlite/binary-codes.ts), so they need a compact table that loads fast by id
// range, not sqlite-vec's vec0 KNN table, whose search cost grows with the number of candidates.
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../db.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  await db.schema
    .createTable('search_vector_bits')
    .addColumn('id', 'integer', (c) => c.primaryKey()) // = search_vectors.id
    .addColumn('dims', 'integer', (c) => c.notNull())
    .addColumn('bits', 'blob', (c) => c.notNull())
    .execute();
  // Vectors stored before this table existed get their codes now.
  await sql`insert into search_vector_bits(id, dims, bits) select id, dims, vec_quantize_binary(vec) from search_vectors`.execute(db);
  await sql`create trigger search_vectors_bits_ad after delete on search_vectors begin
    delete from search_vector_bits where id = old.id;
  end`.execute(db);
  // The vec0 table of the first version of the index, if one was ever created (sqlite-vec is loaded
  // on every connection by src/store/db.ts, so dropping it works).
  await sql`drop table if exists search_vec_bits`.execute(db);
  await sql`delete from meta where key = 'search.vector_dims'`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
