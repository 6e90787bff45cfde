// Import benchmark: generates N Kaggle-format records, imports them through the real import path
// (`paperboy import kaggle`: read -> parse -> normalise -> batched upserts, bulk mode: the
// full-text triggers suspended and the new papers indexed once at the end) into a fresh SQLite file,
// and in the same run inserts the same rows with plain better-sqlite3 prepared statements in one
// transaction into another fresh file with the same schema and the same full-text treatment (the raw
// engine rate). Both read, parse and normalise the file the same way, in line or (--thread) in a
// second thread (the import's default for a large file decides without either flag), so the ratio
// compares the writing alone. Prints the insert phase, the index phase and the total of each, their ratio, and the
// peak RSS of each phase of the import (the kernel's high-water mark). The headline rate is papers/s
// over the total: an import is done when its papers are searchable.
//
//   npm run bench -- import [--n 1000000] [--batch 5000] [--gz] [--keep] [--no-bulk] [--thread|--no-thread] [--no-raw]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pino from 'pino';
import { testConfig } from '../src/config.js';
import { systemClock } from '../src/clock.js';
import type { AppContext } from '../src/context.js';
import { openStore } from '../src/store/db.js';
import { Signer } from '../src/signing.js';
import { authorKey, githubRepoOf, type PaperInput } from '../src/store/papers.js';
import { READER_THREAD_BY_DEFAULT, importKaggleFile } from '../src/ingest/kaggle.js';
import { readKaggleFile } from '../src/ingest/kaggle-read.js';
import { readKaggleFileInThread } from '../src/ingest/kaggle-thread-reader.js';
import { BULK_CACHE_KIB } from '../src/store/ingest.js';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const n = Number(arg('n', '1000000'));
const batch = Number(arg('batch', '5000'));
const bulk = !flag('no-bulk');
const readerThread = flag('thread') || (!flag('no-thread') && READER_THREAD_BY_DEFAULT);
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-bench-import-'));
const file = path.join(dir, flag('gz') ? 'snapshot.jsonl.gz' : 'snapshot.jsonl');
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const log = (s: string) => process.stdout.write(`${s}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
const loadavg = async () => (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');

log(`import benchmark: ${n} records, batch ${batch}, bulk ${bulk ? 'on' : 'off'}, reader thread ${readerThread ? 'on' : 'off'}, node ${process.version}, ${new Date().toISOString()}, load ${await loadavg()}`);
let t = performance.now();
// Generated in a child process, so the generator's heap does not count in the import's RSS.
const gen = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'generate.ts'), '--n', String(n), '--out', file], { stdio: ['ignore', 'pipe', 'inherit'] });
if (gen.status !== 0) throw new Error('generating the records failed');
log(`generated ${n} records (file ${mb(statSync(file).size)}) in ${secs(performance.now() - t)}`);

// 1. The real import path, into a fresh store with every migration (including other domains' triggers).
const dbFile = path.join(dir, 'import.db');
const store = await openStore({ kind: 'sqlite', location: dbFile });
const ctx: AppContext = {
  config: testConfig({ PAPERBOY_DATA_DIR: dir, DATABASE_URL: dbFile }),
  store,
  log: pino({ level: 'warn' }, pino.destination(2)), // a reader thread falling back in line says so
  clock: systemClock,
  signer: new Signer(['bench']),
};
// Peak RSS per phase from the kernel's high-water mark (VmHWM), which counts every page the process
// ever held, also inside the long synchronous SQLite calls of the index phase that no timer could
// sample. Writing 5 to clear_refs resets the mark, so each phase gets its own.
const highWaterMark = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
let phasePeaks = true;
const resetHighWaterMark = () => {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    phasePeaks = false; // not allowed here: each phase's figure is then the peak so far
  }
};
const peakByPhase = { insert: 0, index: 0 };
const rssBefore = process.memoryUsage().rss;
resetHighWaterMark();
log(`import path starts, load ${await loadavg()}`);
// CPU time too (both threads: process.cpuUsage counts the whole process): on a shared machine,
// papers per CPU-second says more than wall time.
let cpu = process.cpuUsage();
t = performance.now();
const summary = await importKaggleFile(ctx, file, {
  batchSize: batch,
  bulk,
  readerThread,
  onIndexProgress: (indexed) => {
    if (indexed > 0 || peakByPhase.insert) return;
    peakByPhase.insert = highWaterMark();
    resetHighWaterMark();
  },
});
const importMs = performance.now() - t;
const importCpu = cpuSeconds(process.cpuUsage(cpu));
if (summary.bulk) peakByPhase.index = highWaterMark();
else peakByPhase.insert = highWaterMark();
const peakRss = Math.max(peakByPhase.insert, peakByPhase.index);
const searchable = (store.sqlite!.prepare('select count(*) n from papers_fts_docsize').get() as { n: number }).n;
await store.close();
const importRate = summary.inserted / (importMs / 1000);
const importIndexMs = summary.indexSeconds * 1000;
log(
  `import path (reader thread ${readerThread ? 'on' : 'off'}: read + parse + normalise ${readerThread ? 'in a second thread' : 'in line'}; upserts in batches of ${batch}; ` +
    `${summary.bulk ? 'bulk mode: FTS triggers suspended, new papers indexed once at the end' : 'FTS triggers on every insert'}): ` +
    `${summary.inserted} papers inserted (${summary.problems} bad), ${searchable} in the full-text index; ` +
    `insert phase ${secs(importMs - importIndexMs)}, index phase ${secs(importIndexMs)}, total ${secs(importMs)} = ${Math.round(importRate)} papers/s ` +
    `(${importCpu.toFixed(1)} CPU-s = ${Math.round(summary.inserted / importCpu)} papers per CPU-s); RSS ${mb(rssBefore)} before, peak ${mb(peakRss)} during the import (insert phase ${mb(peakByPhase.insert)}, index phase ${summary.bulk ? mb(peakByPhase.index) : '-'}${phasePeaks ? '' : ', each the peak so far: the high-water mark could not be reset'})`,
);
if (searchable !== summary.inserted) log(`WARNING: ${summary.inserted - searchable} imported papers are not in the full-text index`);

// 2. The raw engine: the same rows, plain prepared statements, one transaction, same schema, and the
//    same full-text treatment as the import path (triggers suspended and one indexing pass in bulk
//    mode; the insert trigger on every row otherwise).
let rawReport: { total: number; insertsOnlyRate: number } | undefined;
if (!flag('no-raw')) {
  const rawFile = path.join(dir, 'raw.db');
  await (await openStore({ kind: 'sqlite', location: rawFile })).close(); // same schema, migrations applied
  const raw = new SqliteDatabase(rawFile);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma(`cache_size = -${BULK_CACHE_KIB}`); // the import path's bulk-load cache
  raw.pragma('temp_store = MEMORY');
  const ftsTriggers = raw.prepare(`select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'papers' and sql like '%papers_fts%'`).all() as Array<{ name: string; sql: string }>;
  const insPaper = raw.prepare(
    `insert into papers (id, version, title, abstract, authors, categories, primary_category, published_at, updated_at, comments, journal_ref, doi, license, links, github_repo, source, created_at, changed_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insAuthor = raw.prepare('insert into paper_authors (paper_id, position, name, name_key) values (?, ?, ?, ?)');
  const insCategory = raw.prepare('insert into paper_categories (paper_id, category, is_primary) values (?, ?, ?)');
  const now = new Date().toISOString();
  const insertRaw = (p: PaperInput) => {
    const links = p.links ?? {};
    insPaper.run(
      p.id, p.version, p.title, p.abstract, JSON.stringify(p.authors), JSON.stringify(p.categories), p.categories[0] ?? null,
      p.publishedAt, p.updatedAt, p.comments ?? null, p.journalRef ?? null, p.doi ?? null, p.license ?? null,
      JSON.stringify(links), githubRepoOf(links), p.source, now, now,
    );
    p.authors.forEach((name, i) => insAuthor.run(p.id, i, name, authorKey(name)));
    [...new Set(p.categories)].forEach((c, i) => insCategory.run(p.id, c, i === 0 ? 1 : 0));
  };
  log(`raw engine starts, load ${await loadavg()}`);
  // Rows are prepared in chunks outside the insert timer, so the inserts-only time is the engine's
  // alone; the total adds reading, JSON parsing and normalising by the same reader as the import's.
  let insertMs = 0;
  let rawCount = 0;
  cpu = process.cpuUsage();
  t = performance.now();
  raw.exec('begin');
  if (bulk) for (const tr of ftsTriggers) raw.exec(`drop trigger ${tr.name}`);
  let chunk: PaperInput[] = [];
  const flush = () => {
    const s = performance.now();
    for (const p of chunk) insertRaw(p);
    insertMs += performance.now() - s;
    rawCount += chunk.length;
    chunk = [];
  };
  const fallback = () => log('WARNING: the raw engine\'s reader thread failed and read on in line');
  const read = { bytesRead: 0, totalBytes: 0 };
  for await (const { result } of readerThread ? readKaggleFileInThread(file, read, { onFallback: fallback }) : readKaggleFile(file, read)) {
    if (result.ok) chunk.push(result.paper);
    if (chunk.length >= 1_000) flush(); // small chunks: a reader thread keeps ahead of a steady consumer
  }
  flush();
  let s = performance.now();
  raw.exec('commit');
  insertMs += performance.now() - s;
  const insertPhaseMs = performance.now() - t;
  s = performance.now();
  if (bulk) {
    // One statement on its own, as the import's catch-up does (fts-bulk.ts: inside BEGIN ... COMMIT
    // it would carry an in-memory statement journal of every page the FTS5 merges change).
    raw.exec(`insert into papers_fts(rowid, title, authors, abstract) select rowid, title, authors, abstract from papers`);
    raw.exec('begin');
    for (const tr of ftsTriggers) raw.exec(tr.sql);
    raw.exec('commit');
  }
  const rawIndexMs = performance.now() - s;
  const rawMs = performance.now() - t;
  const rawCpu = cpuSeconds(process.cpuUsage(cpu));
  raw.close();
  const rawRate = rawCount / (rawMs / 1000);
  const insertsOnlyRate = rawCount / ((insertMs + rawIndexMs) / 1000);
  log(
    `raw better-sqlite3 (read + parse + normalise ${readerThread ? 'in a second thread, as the import' : 'in line'}; one transaction of plain prepared inserts; ` +
      `${bulk ? 'FTS triggers dropped, then one indexing statement (insert ... select) and the triggers restored' : 'FTS triggers on every insert'}): ` +
      `${rawCount} papers; insert phase ${secs(insertPhaseMs)} (of which the inserts alone ${secs(insertMs)}), index phase ${secs(rawIndexMs)}, total ${secs(rawMs)} = ${Math.round(rawRate)} papers/s ` +
      `(${rawCpu.toFixed(1)} CPU-s = ${Math.round(rawCount / rawCpu)} papers per CPU-s); inserts + index alone = ${Math.round(insertsOnlyRate)} papers/s`,
  );
  log(`ratio raw/import (wall, totals): ${(rawRate / importRate).toFixed(2)}x; against the raw inserts + index alone: ${(insertsOnlyRate / importRate).toFixed(2)}x`);
  log(`ratio raw/import (CPU): ${(rawCount / rawCpu / (summary.inserted / importCpu)).toFixed(2)}x`);
  rawReport = { total: rawRate, insertsOnlyRate };
}
log(`process max RSS (whole run): ${mb(process.resourceUsage().maxRSS * 1024)}; load ${await loadavg()}`);
log(
  `targets: >= 5000 papers/s (total, indexing included) ${importRate >= 5000 ? 'met' : 'NOT met'}; peak RSS <= 300 MB ${peakRss <= 300 * 1_048_576 ? 'met' : 'NOT met'}` +
    (rawReport ? `; within 2x of raw (totals) ${rawReport.total / importRate <= 2 ? 'met' : 'NOT met'}` : ''),
);
if (!flag('keep')) rmSync(dir, { recursive: true, force: true });
else log(`kept ${dir}`);
