// Bulk-mode imports (SQLite): the full-text triggers are suspended while papers go in and the new
// papers are indexed once at the end. What must hold: every imported paper is searchable when the
// import returns, papers updated during the import are indexed with their new text, the triggers
// come back exactly as they were, and a bulk import killed mid-way (SIGKILL) leaves a store that
// the next start or import repairs. FTS5's integrity-check with rank 1 compares the index with the
// papers table itself, so it fails on any paper missing from the index or indexed with stale text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { generateKaggleRecords, type KaggleRecord } from '../../bench/generate.js';
import { importKaggleFile } from '../../src/ingest/kaggle.js';
import { kaggleToPaper } from '../../src/ingest/kaggle-read.js';
import { beginFtsBulk, ftsBulkInProgress, repairFtsBulk } from '../../src/search/sqlite/fts-bulk.js';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { createContext } from '../../src/context.js';
import { upsertPapers } from '../../src/store/papers.js';
import { cliEnv, killImportAfter } from './kill-import.js';
import { makeTestContext, type TestContext } from '../helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A test context on SQLite whatever PAPERBOY_TEST_DATABASE_URL says: bulk mode is SQLite's. */
async function sqliteContext(): Promise<TestContext> {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-bulk-'));
  const ctx = await makeTestContext({ DATABASE_URL: path.join(dir, 'bulk.db') });
  const cleanup = ctx.cleanup;
  return Object.assign(ctx, { cleanup: async () => (await cleanup(), rmSync(dir, { recursive: true, force: true })) });
}

const writeRecords = (file: string, records: Iterable<KaggleRecord | object>) =>
  writeFileSync(file, `${[...records].map((r) => JSON.stringify(r)).join('\n')}\n`);

function ftsTriggers(db: SqliteDatabase.Database): Array<{ name: string; sql: string }> {
  return db.prepare(`select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'papers' and sql like '%papers_fts%' order by name`).all() as Array<{ name: string; sql: string }>;
}

/** Throws when the index differs from the papers table (missing, extra or stale rows). */
function checkIndex(db: SqliteDatabase.Database): void {
  db.exec(`insert into papers_fts(papers_fts, rank) values ('integrity-check', 1)`);
}

function search(db: SqliteDatabase.Database, match: string): string[] {
  return (db.prepare('select p.id from papers_fts f join papers p on p.rowid = f.rowid where papers_fts match ? order by p.id').all(match) as Array<{ id: string }>).map((r) => r.id);
}

const indexed = (db: SqliteDatabase.Database) => (db.prepare('select count(*) n from papers_fts_docsize').get() as { n: number }).n;

test('a bulk import (reader thread on) leaves every paper searchable and the triggers as they were', async () => {
  const ctx = await sqliteContext();
  try {
    const db = ctx.store.sqlite!;
    const before = ftsTriggers(db);
    assert.deepEqual(before.map((t) => t.name), ['papers_fts_ad', 'papers_fts_ai', 'papers_fts_au', 'papers_fts_recent_ad', 'papers_fts_recent_ai', 'papers_fts_recent_au']);
    const records = [...generateKaggleRecords(3000, 7)];
    const file = path.join(ctx.dir, 'snapshot.jsonl');
    writeRecords(file, records);
    const s = await importKaggleFile(ctx, file, { bulk: true, readerThread: true, batchSize: 500 });
    assert.equal(s.bulk, true);
    assert.deepEqual([s.inserted, s.problems], [3000, 0]);
    assert.equal(indexed(db), 3000);
    checkIndex(db);
    assert.deepEqual(ftsTriggers(db), before);
    assert.equal(ftsBulkInProgress(db), false);
    // The title of the last record (in the last batch) finds it.
    const last = kaggleToPaper(records[2999]);
    assert.ok(last.ok);
    const phrase = `"${last.paper.title.replace(/[^\p{L}\p{N}]+/gu, ' ').trim()}"`;
    assert.ok(search(db, phrase).includes(last.paper.id), `${phrase} finds ${last.paper.id}`);
  } finally {
    await ctx.cleanup();
  }
});

test('papers updated during a bulk import are indexed with their new text (indexed before, or new in the same import)', async () => {
  const ctx = await sqliteContext();
  try {
    const db = ctx.store.sqlite!;
    const old = [...generateKaggleRecords(200, 3)];
    const first = path.join(ctx.dir, 'first.jsonl');
    writeRecords(first, old);
    const s1 = await importKaggleFile(ctx, first, { bulk: false });
    assert.deepEqual([s1.bulk, s1.inserted, indexed(db)], [false, 200, 200]);

    const fresh = [...generateKaggleRecords(100, 4, { fromMonth: '2026-11', toMonth: '2026-11' })];
    const revised = old.slice(0, 50).map((r) => ({ ...r, title: `Zyxwvut revised ${r.id}`, versions: [...r.versions, { version: 'v9', created: 'Mon, 2 Nov 2026 10:00:00 GMT' }] }));
    // A new paper's newer version arrives a few batches after the paper itself.
    const again = { ...fresh[0], title: 'Qwertyuiop second version', versions: [...fresh[0].versions, { version: 'v9', created: 'Mon, 2 Nov 2026 10:00:00 GMT' }] };
    const second = path.join(ctx.dir, 'second.jsonl');
    writeRecords(second, [...fresh, ...revised, again]);
    const s2 = await importKaggleFile(ctx, second, { bulk: true, batchSize: 20 });
    assert.deepEqual([s2.bulk, s2.inserted, s2.updated], [true, 100, 51]);
    checkIndex(db);
    assert.equal(indexed(db), 300);
    assert.equal(search(db, 'zyxwvut').length, 50);
    assert.deepEqual(search(db, 'qwertyuiop'), [kaggleToPaper(fresh[0]).ok ? (kaggleToPaper(fresh[0]) as { paper: { id: string } }).paper.id : '']);
    assert.equal(ftsTriggers(db).length, 6);
  } finally {
    await ctx.cleanup();
  }
});

test('a bulk mode left by a dead process is finished by the repair; one held by a live process is left alone', async () => {
  const ctx = await sqliteContext();
  try {
    const db = ctx.store.sqlite!;
    const before = ftsTriggers(db);
    assert.ok(beginFtsBulk(db, ctx.clock.now().toISOString()));
    assert.equal(beginFtsBulk(db, ctx.clock.now().toISOString()), undefined, 'one bulk mode at a time');
    const papers = [...generateKaggleRecords(100, 5)].map((r) => kaggleToPaper(r)).flatMap((r) => (r.ok ? [r.paper] : []));
    await ctx.store.db.transaction().execute((trx) => upsertPapers(trx, papers, ctx.clock.now().toISOString()));
    assert.equal(indexed(db), 0, 'no insert trigger while bulk mode is on');
    assert.throws(() => checkIndex(db));

    const setOwner = (pid: number) => {
      const row = db.prepare(`select value from meta where key = 'fts-bulk-import'`).get() as { value: string };
      db.prepare(`update meta set value = ? where key = 'fts-bulk-import'`).run(JSON.stringify({ ...JSON.parse(row.value), pid }));
    };
    setOwner(process.ppid); // a live process (the test runner)
    assert.deepEqual(repairFtsBulk(db), { found: true, indexed: 0, restored: false });
    assert.equal(ftsBulkInProgress(db), true);

    const gone = spawnSync(process.execPath, ['-e', '']).pid!; // exited: a dead process
    setOwner(gone);
    assert.deepEqual(repairFtsBulk(db), { found: true, indexed: 100, restored: true });
    checkIndex(db);
    assert.deepEqual(ftsTriggers(db), before);
    assert.equal(ftsBulkInProgress(db), false);
    assert.deepEqual(repairFtsBulk(db), { found: false, indexed: 0, restored: false });
  } finally {
    await ctx.cleanup();
  }
});

test('a bulk import with the reader thread killed mid-way (SIGKILL): the repair makes what it committed searchable, a re-run completes it without duplicates', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-bulk-kill-'));
  try {
    const file = path.join(dir, 'snapshot.jsonl');
    const records = [...generateKaggleRecords(8000, 11)];
    writeRecords(file, records);
    const env = cliEnv(dir);
    const dbFile = await killImportAfter(dir, file, ['--bulk', '--thread', '--batch', '100'], 500);

    let db = new SqliteDatabase(dbFile, { readonly: true });
    const afterKill = (db.prepare('select count(*) as n from papers').get() as { n: number }).n;
    const marker = db.prepare(`select value from meta where key = 'fts-bulk-import'`).get();
    const unindexed = afterKill - indexed(db);
    const triggersAtKill = ftsTriggers(db).map((t) => t.name);
    db.close();
    assert.ok(afterKill >= 500 && afterKill < 8000, `${afterKill} papers committed before the kill`);
    assert.ok(marker, 'the kill came while bulk mode was on');
    assert.ok(unindexed > 0, 'papers committed in bulk mode were not yet indexed');
    assert.deepEqual(triggersAtKill, ['papers_fts_bulk_ad', 'papers_fts_bulk_au'], 'the triggers were swapped for the bulk-mode ones');

    // The next start (any command or the server builds its context): the repair runs, the owner being dead.
    const warnings: unknown[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    const started = await createContext(loadConfig({ LOG_LEVEL: 'warn', PAPERBOY_DEMO: 'false', PAPERBOY_DATA_DIR: dir }), { log });
    const store = started.store;
    assert.equal(indexed(store.sqlite!), afterKill, 'every paper committed before the kill is indexed');
    assert.equal(repairFtsBulk(store.sqlite!).found, false, 'the marker is gone');
    assert.match(JSON.stringify(warnings), new RegExp(`"indexed":${unindexed}.*interrupted bulk import`));
    checkIndex(store.sqlite!);
    assert.deepEqual(ftsTriggers(store.sqlite!).map((t) => t.name), ['papers_fts_ad', 'papers_fts_ai', 'papers_fts_au', 'papers_fts_recent_ad', 'papers_fts_recent_ai', 'papers_fts_recent_au']);
    // A paper committed before the kill is found by its title.
    const ids = new Set((store.sqlite!.prepare('select id from papers').all() as Array<{ id: string }>).map((r) => r.id));
    const sample = records.map((r) => kaggleToPaper(r)).find((r, k) => r.ok && k > afterKill / 2 && ids.has(r.paper.id));
    assert.ok(sample?.ok);
    const phrase = `"${sample.paper.title.replace(/[^\p{L}\p{N}]+/gu, ' ').trim()}"`;
    assert.ok(search(store.sqlite!, phrase).includes(sample.paper.id), `${phrase} finds ${sample.paper.id}`);
    await store.close();

    // The re-run completes the import, in bulk mode again, without duplicates.
    const rerun = spawnSync(process.execPath, ['bin/paperboy.mjs', 'import', 'kaggle', file, '--bulk', '--thread'], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stdout, new RegExp(`8000 records: ${8000 - afterKill} new, 0 updated, ${afterKill} unchanged, 0 skipped`));
    db = new SqliteDatabase(dbFile, { readonly: true });
    const n = db.prepare('select count(*) as n, count(distinct id) as d from papers').get() as { n: number; d: number };
    assert.deepEqual([n.n, n.d, indexed(db)], [8000, 8000, 8000]);
    assert.deepEqual(ftsTriggers(db).map((t) => t.name), ['papers_fts_ad', 'papers_fts_ai', 'papers_fts_au', 'papers_fts_recent_ad', 'papers_fts_recent_ai', 'papers_fts_recent_au']);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
