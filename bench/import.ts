// Import benchmark: generates N Kaggle-format records, imports them through the real import path
// (`paperboy import kaggle`: stream -> parse -> normalise -> batched upserts) into a fresh SQLite file,
// and in the same run inserts the same rows with plain better-sqlite3 prepared statements in one
// transaction into another fresh file with the same schema (the raw engine rate), then prints both
// rates and their ratio, and the peak RSS of the import.
//
//   npm run bench -- import [--n 1000000] [--batch 5000] [--gz] [--keep]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
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
import { importKaggleFile, kaggleToPaper, readLines } from '../src/ingest/kaggle.js';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const n = Number(arg('n', '1000000'));
const batch = Number(arg('batch', '5000'));
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-bench-import-'));
const file = path.join(dir, flag('gz') ? 'snapshot.jsonl.gz' : 'snapshot.jsonl');
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const log = (s: string) => process.stdout.write(`${s}\n`);

log(`import benchmark: ${n} records, batch ${batch}, node ${process.version}, ${new Date().toISOString()}`);
let t = performance.now();
// Generated in a child process, so the generator's heap does not count in the import's RSS.
const gen = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'generate.ts'), '--n', String(n), '--out', file], { stdio: ['ignore', 'pipe', 'inherit'] });
if (gen.status !== 0) throw new Error('generating the records failed');
log(`generated ${n} records (file ${mb(statSync(file).size)}) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

// 1. The real import path, into a fresh store with every migration (including other domains' triggers).
const dbFile = path.join(dir, 'import.db');
const store = await openStore({ kind: 'sqlite', location: dbFile });
const ctx: AppContext = {
  config: testConfig({ PAPERBOY_DATA_DIR: dir, DATABASE_URL: dbFile }),
  store,
  log: pino({ level: 'silent' }),
  clock: systemClock,
  signer: new Signer(['bench']),
};
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
const rssBefore = process.memoryUsage().rss;
// CPU time too: on a machine shared with other work, papers per CPU-second says more than wall time.
let cpu = process.cpuUsage();
t = performance.now();
const summary = await importKaggleFile(ctx, file, { batchSize: batch });
const importSeconds = (performance.now() - t) / 1000;
const importCpu = cpuSeconds(process.cpuUsage(cpu));
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await store.close();
const importRate = summary.inserted / importSeconds;
log(`import path: ${summary.inserted} papers inserted (${summary.problems} bad) in ${importSeconds.toFixed(1)} s = ${Math.round(importRate)} papers/s (${importCpu.toFixed(1)} CPU-s = ${Math.round(summary.inserted / importCpu)} papers per CPU-s); RSS ${mb(rssBefore)} before, peak ${mb(peakRss)} during the import`);

// 2. The raw engine: the same rows, plain prepared statements, one transaction, same schema.
const rawFile = path.join(dir, 'raw.db');
await (await openStore({ kind: 'sqlite', location: rawFile })).close(); // same schema, migrations applied
const raw = new SqliteDatabase(rawFile);
raw.pragma('journal_mode = WAL');
raw.pragma('synchronous = NORMAL');
raw.pragma('foreign_keys = ON');
raw.pragma('cache_size = -65536');
raw.pragma('temp_store = MEMORY');
const insPaper = raw.prepare(
  `insert into papers (id, version, title, abstract, authors, categories, primary_category, published_at, updated_at, comments, journal_ref, doi, license, links, github_repo, source, created_at, changed_at)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insAuthor = raw.prepare('insert into paper_authors (paper_id, position, name, name_key) values (?, ?, ?, ?)');
const insCategory = raw.prepare('insert into paper_categories (paper_id, category, is_primary) values (?, ?, ?)');
const now = new Date().toISOString();
function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}
function insertRaw(p: PaperInput) {
  const links = p.links ?? {};
  insPaper.run(
    p.id, p.version, p.title, p.abstract, JSON.stringify(p.authors), JSON.stringify(p.categories), p.categories[0] ?? null,
    p.publishedAt, p.updatedAt, p.comments ?? null, p.journalRef ?? null, p.doi ?? null, p.license ?? null,
    JSON.stringify(links), githubRepoOf(links), p.source, now, now,
  );
  p.authors.forEach((name, i) => insAuthor.run(p.id, i, name, authorKey(name)));
  [...new Set(p.categories)].forEach((c, i) => insCategory.run(p.id, c, i === 0 ? 1 : 0));
}
// Rows are prepared in chunks outside the timer, so the insert-only time is the engine's alone;
// the end-to-end time adds reading, JSON parsing and normalising, as the import path does.
let insertMs = 0;
let insertCpu = 0;
let rawCount = 0;
cpu = process.cpuUsage();
t = performance.now();
raw.exec('begin');
let chunk: PaperInput[] = [];
const flush = () => {
  const s = performance.now();
  const c0 = process.cpuUsage();
  for (const p of chunk) insertRaw(p);
  insertCpu += cpuSeconds(process.cpuUsage(c0));
  insertMs += performance.now() - s;
  rawCount += chunk.length;
  chunk = [];
};
for await (const line of readLines(file)) {
  if (!line.text) continue;
  const r = kaggleToPaper(JSON.parse(line.text));
  if (r.ok) chunk.push(r.paper);
  if (chunk.length >= 10_000) flush();
}
flush();
const c = performance.now();
const c1 = process.cpuUsage();
raw.exec('commit');
insertCpu += cpuSeconds(process.cpuUsage(c1));
insertMs += performance.now() - c;
const rawSeconds = (performance.now() - t) / 1000;
const rawCpu = cpuSeconds(process.cpuUsage(cpu));
raw.close();
const rawInsertRate = rawCount / (insertMs / 1000);
const rawEndToEndRate = rawCount / rawSeconds;
log(`raw better-sqlite3, one transaction: ${rawCount} papers; inserts alone ${(insertMs / 1000).toFixed(1)} s = ${Math.round(rawInsertRate)} papers/s (${Math.round(rawCount / insertCpu)} per CPU-s); with read+parse+normalise ${rawSeconds.toFixed(1)} s = ${Math.round(rawEndToEndRate)} papers/s (${Math.round(rawCount / rawCpu)} per CPU-s)`);
log(`ratio raw/import (wall): ${(rawEndToEndRate / importRate).toFixed(2)}x against raw end-to-end, ${(rawInsertRate / importRate).toFixed(2)}x against raw inserts alone`);
log(`ratio raw/import (CPU): ${(rawCount / rawCpu / (summary.inserted / importCpu)).toFixed(2)}x against raw end-to-end, ${(rawCount / insertCpu / (summary.inserted / importCpu)).toFixed(2)}x against raw inserts alone`);
log(`process max RSS (whole run): ${mb(process.resourceUsage().maxRSS * 1024)}`);
log(`targets: >= 5000 papers/s ${importRate >= 5000 ? 'met' : 'NOT met'}; peak RSS <= 300 MB ${peakRss <= 300 * 1_048_576 ? 'met' : 'NOT met'}; within 2x of raw end-to-end ${rawEndToEndRate / importRate <= 2 ? 'met' : 'NOT met'}`);
if (!flag('keep')) rmSync(dir, { recursive: true, force: true });
else log(`kept ${dir}`);
