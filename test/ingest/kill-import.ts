// Starts `paperboy import kaggle FILE` in its own process on a fresh data directory and kills it
// with SIGKILL (no chance to clean up) once at least `after` papers are committed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The environment of a CLI run on `dir` alone: none of this process's paperboy settings leak in. */
export const cliEnv = (dir: string) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PAPERBOY_') && k !== 'DATABASE_URL' && k !== 'NODE_TEST_CONTEXT')),
  LOG_LEVEL: 'silent',
  PAPERBOY_DEMO: 'false',
  PAPERBOY_DATA_DIR: dir,
});

/** Returns the store's path once the killed process has exited. */
export async function killImportAfter(dir: string, file: string, options: string[], after: number): Promise<string> {
  const child = spawn(process.execPath, ['bin/paperboy.mjs', 'import', 'kaggle', file, ...options], { cwd: root, env: cliEnv(dir), stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const dbFile = path.join(dir, 'paperboy.db');
  let committed = 0;
  for (let i = 0; i < 2400 && committed < after; i++) {
    await new Promise((r) => setTimeout(r, 25));
    if (!existsSync(dbFile)) continue;
    try {
      const db = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
      committed = (db.prepare('select count(*) as n from papers').get() as { n: number }).n;
      db.close();
    } catch {
      // the store is still being created and migrated
    }
  }
  child.kill('SIGKILL');
  await exited;
  return dbFile;
}
