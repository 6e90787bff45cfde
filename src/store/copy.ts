// Copies an embedded (SQLite) instance into PostgreSQL, table by table, for `paperboy migrate-data`.
// Tables are copied parents first (foreign keys), in rowid order and in batches; each batch and the
// table's cursor (the last rowid copied, in the target's `meta`) commit in one transaction, so an
// interrupted copy resumes exactly where it stopped and a second run copies only rows added since.
// Rows already in the target are kept (ON CONFLICT DO NOTHING). Engine-specific search structures
// (FTS5, sqlite-vec) are not copied: PostgreSQL derives its full-text column itself, and stored
// embedding vectors are carried over as vectors when the target has a column for them.
import { sql } from 'kysely';
import type { Store } from './db.js';
import { vectorIndexSql } from './migrations/0602_search_postgres_vector_bits.js';

export interface CopyProgress {
  table: string;
  /** Rows of this table handled so far (copied now or in an earlier run). */
  done: number;
  total: number;
}

export interface CopyOptions {
  batchSize?: number;
  /** Called after every committed batch; throwing from it stops the copy (tests use it to interrupt). */
  onProgress?(p: CopyProgress): void;
}

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export interface CopyReport {
  tables: TableCount[];
  copied: number;
  /** Tables whose target holds fewer rows than the source (should be none). */
  missing: string[];
}

const cursorKey = (table: string) => `migrate-data:${table}`;

interface TargetColumn {
  name: string;
  type: string; // udt_name: int8, text, vector, tsvector, bytea, ...
}

/** The tables to copy, parents before children, with the columns both sides have. */
export async function copyPlan(source: Store, target: Store): Promise<Array<{ table: string; columns: TargetColumn[] }>> {
  const sqlite = source.sqlite;
  if (!sqlite || !target.pool) throw new Error('migrate-data copies from SQLite to PostgreSQL');
  const sourceTables = (sqlite.prepare(`select name from sqlite_master where type = 'table' and sql not like 'create virtual%' collate nocase`).all() as Array<{ name: string }>)
    .map((r) => r.name)
    .filter((n) => !n.startsWith('sqlite_') && !n.startsWith('kysely_'));
  const targetColumns = await sql<{ table_name: string; column_name: string; udt_name: string }>`
    select table_name, column_name, udt_name from information_schema.columns
    where table_schema = current_schema() and is_generated = 'NEVER'
    order by table_name, ordinal_position`.execute(target.db);
  const byTable = new Map<string, TargetColumn[]>();
  for (const r of targetColumns.rows) {
    const list = byTable.get(r.table_name) ?? [];
    list.push({ name: r.column_name, type: r.udt_name });
    byTable.set(r.table_name, list);
  }
  const plan = new Map<string, TargetColumn[]>();
  for (const table of sourceTables) {
    const targetCols = byTable.get(table);
    if (!targetCols) continue; // an SQLite-only structure (search index shadow tables, sqlite-vec)
    const sourceCols = new Set((sqlite.prepare(`select name from pragma_table_info(?)`).all(table) as Array<{ name: string }>).map((r) => r.name));
    const columns = targetCols.filter((c) => sourceCols.has(c.name));
    if (columns.length) plan.set(table, columns);
  }
  // Parents first, so that foreign keys hold at every commit.
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (ordered.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    const parents = sqlite.prepare(`select "table" as parent from pragma_foreign_key_list(?)`).all(table) as Array<{ parent: string }>;
    for (const { parent } of parents) if (plan.has(parent) && parent !== table) visit(parent);
    visiting.delete(table);
    ordered.push(table);
  };
  for (const table of [...plan.keys()].sort()) visit(table);
  return ordered.map((table) => ({ table, columns: plan.get(table)! }));
}

/** Copies every table; returns the per-table counts of both sides after the copy. */
export async function copySqliteToPostgres(source: Store, target: Store, options: CopyOptions = {}): Promise<CopyReport> {
  const plan = await copyPlan(source, target);
  const sqlite = source.sqlite!;
  let copied = 0;
  for (const { table, columns } of plan) {
    const total = (sqlite.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n;
    const cursorRow = await target.db.selectFrom('meta').select('value').where('key', '=', cursorKey(table)).executeTakeFirst();
    let after = cursorRow ? Number(cursorRow.value) : -Infinity;
    let done = after === -Infinity ? 0 : (sqlite.prepare(`select count(*) as n from "${table}" where rowid <= ?`).get(after) as { n: number }).n;
    options.onProgress?.({ table, done, total });
    // PostgreSQL takes at most 65535 parameters per statement.
    const batch = Math.max(1, Math.min(options.batchSize ?? 1000, Math.floor(60_000 / columns.length)));
    const select = sqlite.prepare(`select rowid as __rowid, ${columns.map((c) => `"${c.name}"`).join(', ')} from "${table}" where rowid > ? order by rowid limit ?`);
    for (;;) {
      const rows = select.all(after === -Infinity ? Number.MIN_SAFE_INTEGER : after, batch) as Array<Record<string, unknown>>;
      if (!rows.length) break;
      const last = Number(rows[rows.length - 1]!.__rowid);
      const values = rows.map((row) => {
        const out: Record<string, unknown> = {};
        for (const c of columns) out[c.name] = convert(row[c.name], c.type);
        return out;
      });
      await target.db.transaction().execute(async (trx) => {
        await trx
          .insertInto(table as any)
          .values(values)
          .onConflict((oc) => oc.doNothing())
          .execute();
        await trx
          .insertInto('meta')
          .values({ key: cursorKey(table), value: String(last) })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(last) }))
          .execute();
      });
      after = last;
      done += rows.length;
      copied += rows.length;
      options.onProgress?.({ table, done, total });
    }
  }
  await resetSequences(target);
  await buildVectorIndexes(target);
  const tables = await countTables(source, target, plan.map((p) => p.table));
  return { tables, copied, missing: tables.filter((t) => t.target < t.source).map((t) => t.table) };
}

/** Rows per table on both sides (the verification `migrate-data` prints). */
export async function countTables(source: Store, target: Store, tables?: string[]): Promise<TableCount[]> {
  const names = tables ?? (await copyPlan(source, target)).map((p) => p.table);
  const out: TableCount[] = [];
  for (const table of names) {
    const s = (source.sqlite!.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n;
    const t = await target.db
      .selectFrom(table as any)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // The copy's own cursors live in the target's meta: they are not rows of the source.
    const own = table === 'meta' ? await target.db.selectFrom('meta').select((eb) => eb.fn.countAll<number>().as('n')).where('key', 'like', 'migrate-data:%').executeTakeFirstOrThrow() : { n: 0 };
    out.push({ table, source: s, target: Number(t.n) - Number(own.n) });
  }
  return out;
}

/** Moves every serial sequence past the ids copied in, so that new rows get fresh ids. */
async function resetSequences(target: Store): Promise<void> {
  const serials = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and column_default like 'nextval(%'`.execute(target.db);
  for (const { table_name, column_name } of serials.rows) {
    await sql`select setval(pg_get_serial_sequence(${table_name}, ${column_name}),
      coalesce((select max(${sql.ref(column_name)}) from ${sql.table(table_name)}), 0) + 1, false)`.execute(target.db);
  }
}

/**
 * Builds the HNSW index of every vector dimension copied in, now rather than at the first search
 * (where building it over a large store would hold that request for minutes).
 */
async function buildVectorIndexes(target: Store): Promise<void> {
  const has = await sql<{ ok: boolean }>`select to_regclass('search_vectors') is not null as ok`.execute(target.db);
  if (!has.rows[0]?.ok) return;
  const dims = await sql<{ dims: number }>`select distinct dims from search_vectors`.execute(target.db);
  const pgvector = await sql<{ v: string | null }>`select extversion as v from pg_extension where extname = 'vector'`.execute(target.db);
  for (const { dims: d } of dims.rows) await sql.raw(vectorIndexSql(Number(d), pgvector.rows[0]?.v)).execute(target.db);
}

/** SQLite values into what the PostgreSQL column takes. */
function convert(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'vector' && Buffer.isBuffer(value)) {
    // Embeddings are stored as little-endian float32 blobs in SQLite; pgvector reads '[a,b,...]'.
    const floats = new Float32Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    return `[${Array.from(floats).join(',')}]`;
  }
  if (type === 'bool') return Boolean(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
