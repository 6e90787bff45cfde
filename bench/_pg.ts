// PostgreSQL for the benchmarks: a database of their own on the local server (kept between runs
// with --keep, so a seeded million-paper store is built once), and the server's memory use.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** The administrative URL of the server the benchmarks may create databases on. */
export const benchAdminUrl = process.env.PAPERBOY_BENCH_DATABASE_URL || process.env.PAPERBOY_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: benchAdminUrl });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * The URL of database `name` (letters, digits, underscores), created empty unless it exists and
 * `reuse` is set; `drop()` removes it.
 */
export async function benchDatabase(name: string, reuse: boolean): Promise<{ url: string; existed: boolean; drop(): Promise<void> }> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
  const found = await admin(`select 1 from pg_database where datname = '${name}'`);
  const existed = found.rowCount! > 0;
  if (existed && !reuse) await admin(`drop database ${name} with (force)`);
  if (!existed || !reuse) await admin(`create database ${name}`);
  const url = new URL(benchAdminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), existed: existed && reuse, drop: async () => void (await admin(`drop database if exists ${name} with (force)`)) };
}

/**
 * Memory of every PostgreSQL server process on this machine, in bytes: the sum of proportional set
 * sizes (shared buffers counted once, not once per backend).
 */
export function postgresMemory(): number {
  try {
    const pids = execFileSync('ps', ['-C', 'postgres', '-o', 'pid='], { encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean);
    let kb = 0;
    for (const pid of pids) {
      try {
        const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
        kb += Number(m?.[1] ?? 0);
      } catch {
        // the process ended meanwhile
      }
    }
    return kb * 1024;
  } catch {
    return 0;
  }
}

/** Size on disk of one database, in bytes. */
export async function databaseSize(name: string): Promise<number> {
  const r = await admin(`select pg_database_size('${name}')::float8 as n`);
  return Number(r.rows[0].n);
}
