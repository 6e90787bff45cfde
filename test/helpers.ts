// Shared test fixtures: a fresh real database per test (SQLite by default; PostgreSQL when
// PAPERBOY_TEST_DATABASE_URL is set, so the whole integration suite runs against both engines),
// a manual clock, the shared fixtures path.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { testConfig } from '../src/config.js';
import { ManualClock } from '../src/clock.js';
import type { AppContext } from '../src/context.js';
import { openStore } from '../src/store/db.js';
import { Signer } from '../src/signing.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The read-only shared fixtures (recorded arXiv answers, reference page, relevance judgments). */
export const fixtures = path.resolve(here, '..', '..', 'shared', 'fixtures');

/**
 * The PostgreSQL server the tests may use (an administrative URL: the tests create and drop their
 * own databases there), or undefined when the suite runs on SQLite only.
 */
export const testDatabaseUrl: string | undefined = process.env.PAPERBOY_TEST_DATABASE_URL || undefined;

/** What a PostgreSQL-only test prints when it is skipped, saying how to enable it. */
export const pgSkipReason = testDatabaseUrl
  ? false
  : 'PostgreSQL tests skipped: set PAPERBOY_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (a server where the tests may create databases; .ci/run does this) to run them';

export interface TestContext extends AppContext {
  clock: ManualClock;
  dir: string;
  cleanup(): Promise<void>;
}

export interface TestDatabase {
  /** The URL of the new, empty database. */
  url: string;
  /** Drops it (closing whatever connections are still open). */
  drop(): Promise<void>;
}

/** Creates a new empty PostgreSQL database on the test server; each test gets its own. */
export async function createTestDatabase(adminUrl = testDatabaseUrl, template?: string): Promise<TestDatabase> {
  if (!adminUrl) throw new Error(pgSkipReason || 'no PostgreSQL test server');
  const name = `paperboy_test_${process.pid}_${randomBytes(5).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(adminUrl, `create database ${name}${template ? ` template ${template}` : ''}`);
      break;
    } catch (err) {
      // Two clones of one template at the same instant: the second is told to try again.
      if (!template || attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`),
  };
}

let templateReady: Promise<string> | undefined;

/**
 * A migrated database to clone for each test (CREATE DATABASE … TEMPLATE copies files, much faster
 * than running every migration per test). Named after the migrations' contents, built once by
 * whichever test process gets there first (advisory lock), and replaced when a migration changes.
 */
function migratedTemplate(adminUrl: string): Promise<string> {
  templateReady ??= (async () => {
    const folder = path.resolve(here, '..', 'src', 'store', 'migrations');
    const hash = createHash('sha1');
    for (const f of readdirSync(folder).sort()) hash.update(f).update(readFileSync(path.join(folder, f)));
    const name = `paperboy_tpl_${hash.digest('hex').slice(0, 12)}`;
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query('select pg_advisory_lock(727277)');
      const found = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (!found.rowCount) {
        const building = `${name}_building`;
        await client.query(`drop database if exists ${building} with (force)`);
        await client.query(`create database ${building}`);
        const url = new URL(adminUrl);
        url.pathname = `/${building}`;
        const store = await openStore({ kind: 'postgres', location: url.toString(), poolSize: 1 });
        await store.close();
        // Renamed only once complete, so a template by this name is always fully migrated.
        await client.query(`alter database ${building} rename to ${name}`);
        const stale = await client.query(`select datname from pg_database where datname like 'paperboy\_tpl\_%' and datname <> $1`, [name]);
        for (const r of stale.rows) await client.query(`drop database if exists ${r.datname} with (force)`).catch(() => {});
      }
      return name;
    } finally {
      await client.query('select pg_advisory_unlock(727277)').catch(() => {});
      await client.end();
    }
  })();
  return templateReady;
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A context over a new migrated database with a manual clock: a SQLite file in a temporary folder,
 * or, when PAPERBOY_TEST_DATABASE_URL is set, a new PostgreSQL database dropped by cleanup().
 * An explicit DATABASE_URL in `env` wins over both.
 */
export async function makeTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-test-'));
  const pgDb = testDatabaseUrl && !env.DATABASE_URL ? await createTestDatabase(testDatabaseUrl, await migratedTemplate(testDatabaseUrl)) : undefined;
  const config = testConfig({
    PAPERBOY_DATA_DIR: dir,
    DATABASE_URL: pgDb ? pgDb.url : path.join(dir, 'test.db'),
    PAPERBOY_SECRET: 'test-secret',
    PAPERBOY_DB_POOL_SIZE: '4',
    ...env,
  });
  let store;
  try {
    store = await openStore({
      kind: config.databaseKind,
      location: config.databaseKind === 'postgres' ? config.DATABASE_URL : config.sqlitePath,
      poolSize: config.PAPERBOY_DB_POOL_SIZE,
    });
  } catch (err) {
    await pgDb?.drop();
    throw err;
  }
  const clock = new ManualClock(Date.parse('2026-11-20T12:00:00Z'));
  return {
    config,
    store,
    log: pino({ level: 'silent' }),
    clock,
    signer: new Signer(['test-secret']),
    dir,
    cleanup: async () => {
      await store.close();
      await pgDb?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
