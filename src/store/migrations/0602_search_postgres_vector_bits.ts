// PostgreSQL vectors, second step (nothing on SQLite): the HNSW graph is built over each vector's
// signs (pgvector's binary_quantize, compared by Hamming distance) instead of its floats, and a
// query re-ranks a few hundred of the graph's candidates by their exact cosine distance
// (src/search/pg/index.ts). Measured at 1,000,000 papers (bench/results/postgres.md): the float
// graph built with pgvector's defaults stopped at recall@20 0.93 however wide the walk (2.6 GB);
// the 400 nearest signs held all of the exact top 20, and a sign graph (535 MB) with enough links
// (SIGN_GRAPH_M) re-ranking 400 candidates found 0.993 of it.
// An existing store gets the new index for every dimension it holds and loses the float one, here
// (a long step on a large store: docs/deploy.md). Needs pgvector 0.7 (binary_quantize); an older
// server keeps the float graph, and so do models of fewer than SIGN_GRAPH_MIN_DIMS dimensions, whose
// few signs say too little to pick candidates (32 dims: recall@20 0.92 in test/pg/search.test.ts).
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../db.js';
import { hnswIndexSql } from './0600_search_postgres.js';

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  const [state] = (await sql<{ table: boolean; version: string | null }>`select to_regclass('search_vectors') is not null as table,
      (select extversion from pg_extension where extname = 'vector') as version`.execute(db)).rows;
  if (!state?.table) return;
  const dims = await sql<{ dims: number }>`select distinct dims from search_vectors`.execute(db);
  // Built in memory or it crawls: a million signs with 32 links each take over 1 GB while building
  // (535 MB once written). Only what the build uses is allocated.
  await sql`set local maintenance_work_mem = '2GB'`.execute(db);
  for (const d of dims.rows.map((r) => Number(r.dims)).filter((d) => signGraph(d, state.version))) {
    await sql.raw(vectorIndexSql(d, state.version)).execute(db);
    await sql.raw(`drop index if exists search_vectors_hnsw_${d}`).execute(db);
  }
}

/**
 * The sign graph's links per node and build-time candidate list. With pgvector's defaults (16, 64)
 * the walk at 1,000,000 papers found only ~60% of the 1,000 nearest signs and recall@20 stopped at
 * 0.885 although the 400 nearest signs held all of the exact top 20 (bench/results/postgres.md): on
 * papers clustered by topic the graph needs more links.
 */
export const SIGN_GRAPH_M = 32;
export const SIGN_GRAPH_EF_CONSTRUCTION = 128;

/** Below this many dimensions the float graph serves a model (see above). */
export const SIGN_GRAPH_MIN_DIMS = 256;

/**
 * True when vectors of `dims` dimensions get the graph over their signs: pgvector 0.7 or newer
 * (extversion, e.g. "0.8.0": binary_quantize and bit_hamming_ops) and a model with enough dimensions.
 */
export function signGraph(dims: number, version: string | null | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? '0.0').split('.').map(Number);
  return (major > 0 || minor >= 7) && dims >= SIGN_GRAPH_MIN_DIMS;
}

/** The name of the vector index of one dimension (the sign graph, or the float graph). */
export function vectorIndexName(dims: number, version: string | null | undefined): string {
  return signGraph(dims, version) ? `search_vectors_signs_${dims}` : `search_vectors_hnsw_${dims}`;
}

/** The Hamming-distance expression over a stored vector's signs; queries must use it as written here. */
export function signsOf(column: string, dims: number): string {
  return `binary_quantize(${column}::vector(${dims}))::bit(${dims})`;
}

/**
 * The vector index of one dimension: an HNSW graph over the signs (bit_hamming_ops), partial on
 * `dims` like 0600's float graph, which it replaces (and which small models and old pgvector keep).
 */
export function vectorIndexSql(dims: number, version: string | null | undefined): string {
  if (!signGraph(dims, version)) return hnswIndexSql(dims);
  if (!Number.isInteger(dims) || dims < 1 || dims > 16_000) throw new Error(`unsupported vector dimension ${dims}`);
  return `create index if not exists ${vectorIndexName(dims, version)} on search_vectors
    using hnsw ((${signsOf('vec', dims)}) bit_hamming_ops) with (m = ${SIGN_GRAPH_M}, ef_construction = ${SIGN_GRAPH_EF_CONSTRUCTION}) where dims = ${dims}`;
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
