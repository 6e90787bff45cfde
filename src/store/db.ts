// Opens the store: SQLite (better-sqlite3, WAL) by default, PostgreSQL when DATABASE_URL says so,
// both behind one Kysely instance. Migrations run at open, under an advisory lock on PostgreSQL so
// that many processes starting at once migrate once.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import pg from 'pg';
import { FileMigrationProvider, Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** The raw SQLite handle, for the engine-specific index code only (FTS5, sqlite-vec). */
  readonly sqlite?: SqliteDatabase.Database;
  /** The raw PostgreSQL pool, for the engine-specific index code and LISTEN/NOTIFY only. */
  readonly pool?: pg.Pool;
  close(): Promise<void>;
}

export interface OpenOptions {
  kind: DatabaseKind;
  /** SQLite file path (':memory:' allowed) or PostgreSQL URL. */
  location: string;
  poolSize?: number;
  migrate?: boolean;
}

// PostgreSQL returns int8/numeric as strings by default; our counts and ids fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export async function openStore(options: OpenOptions): Promise<Store> {
  const store = options.kind === 'postgres' ? openPostgres(options) : openSqlite(options.location);
  if (options.migrate !== false) await migrate(store);
  return store;
}

function openSqlite(file: string): Store {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL'); // safe with WAL: a crash loses at most the last commits, never corrupts
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -65536'); // 64 MiB page cache
  sqlite.pragma('temp_store = MEMORY');
  // The search index keeps vectors in a sqlite-vec table; Kysely's migrator inspects every table,
  // which needs the module loaded on any connection that opens this file.
  sqliteVec.load(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  sqliteHandles.set(db.getExecutor().adapter, sqlite);
  return {
    db,
    kind: 'sqlite',
    sqlite,
    close: async () => {
      await db.destroy(); // also closes the better-sqlite3 handle
    },
  };
}

function openPostgres(options: OpenOptions): Store {
  const pool = new pg.Pool({
    connectionString: options.location,
    max: options.poolSize ?? 10,
    // Named connections, so that an operator can tell paperboy's in pg_stat_activity.
    application_name: `paperboy:${process.pid}`,
  });
  // An idle connection that breaks (server restart, failover) is dropped by the pool and replaced
  // at the next query; without a listener the 'error' event would end the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', pool, close: () => db.destroy() };
}

const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Applies pending migrations; throws with the failing migration's name. */
export async function migrate(store: Store): Promise<string[]> {
  const migrator = new Migrator({
    db: store.db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder }),
    // Each domain numbers its migrations in its own range and they land in any order: a store that
    // already ran 0400 must still run a later-landed 0301.
    allowUnorderedMigrations: true,
  });
  const run = async () => {
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${reason}`);
    }
    return (results ?? []).map((r) => r.migrationName);
  };
  if (store.kind !== 'postgres') return run();
  // Session-level advisory lock on one connection: other processes wait here until we are done.
  return store.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(727274)`.execute(conn);
    try {
      const migratorOnConn = new Migrator({ db: conn, provider: new FileMigrationProvider({ fs, path, migrationFolder }), allowUnorderedMigrations: true });
      const { error, results } = await migratorOnConn.migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).map((r) => r.migrationName);
    } finally {
      await sql`select pg_advisory_unlock(727274)`.execute(conn);
    }
  });
}

// A Kysely instance and its transactions share the dialect's adapter: it keys the raw handle.
const sqliteHandles = new WeakMap<object, SqliteDatabase.Database>();

/** The better-sqlite3 handle behind a Kysely instance or transaction (SQLite-specific write paths only). */
export function sqliteHandleOf(db: Kysely<any>): SqliteDatabase.Database | undefined {
  return sqliteHandles.get(db.getExecutor().adapter);
}

/** Which engine a Kysely instance talks to (migrations and index code branch on it). */
export function dialectOf(db: Kysely<any>): DatabaseKind {
  return db.getExecutor().adapter.constructor.name.startsWith('Postgres') ? 'postgres' : 'sqlite';
}
