// int8 copies of the search vectors (SQLite only), which vector search rescores its candidates with
// instead of the float vectors (src/search/sqlite/int8-vectors.ts says why). Keyed like
// search_vector_bits by search_vectors.id, with the paper id and model beside, so that rescoring reads this
// compact table alone.
import { type Kysely, sql } from 'kysely';
import { quantizeInt8 } from '../../search/sqlite/int8-vectors.js';
import { dialectOf } from '../db.js';

const BATCH = 2000;

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  await db.schema
    .createTable('search_vector_int8')
    .addColumn('id', 'integer', (c) => c.primaryKey()) // = search_vectors.id
    .addColumn('paper_id', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('vec', 'blob', (c) => c.notNull())
    .execute();
  await sql`create trigger search_vectors_int8_ad after delete on search_vectors begin
    delete from search_vector_int8 where id = old.id;
  end`.execute(db);

  // Vectors stored before this table existed get their copies now, in id order (one pass).
  for (let after = 0; ; ) {
    const rows = (await sql<{ id: number; paper_id: string; model: string; vec: Uint8Array }>`select id, paper_id, model, vec from search_vectors where id > ${after} order by id limit ${BATCH}`.execute(db)).rows;
    if (!rows.length) break;
    const copies = rows.map((r) => ({ id: r.id, paper_id: r.paper_id, model: r.model, vec: quantizeInt8(new Float32Array(r.vec.buffer.slice(r.vec.byteOffset, r.vec.byteOffset + r.vec.byteLength))) }));
    await db.insertInto('search_vector_int8').values(copies).execute();
    after = rows[rows.length - 1].id;
  }
  // Vector search with a narrow filter ranks the filtered papers' copies, found by paper (built
  // after the copies: one sort rather than an index insert per copy).
  await db.schema.createIndex('search_vector_int8_paper').on('search_vector_int8').column('paper_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
