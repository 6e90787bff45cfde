// API and feed benchmark: GET /api/daily_papers (a list of 50, the HF-compatible JSON) and the daily
// RSS feed (50 items) over a store of N papers, each against a minimal Node `http` server serving the
// same bytes from memory with the same content type and coding, measured in the same run (autocannon).
//
//   npm run bench -- api [--n 100000] [--duration 10] [--connections 64] [--db PATH] [--identity]
//
// Requests carry `Accept-Encoding: gzip, deflate, br`, as the Python client (requests) and feed
// readers send it; --identity measures uncompressed responses. --db reuses a seeded SQLite file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { arg, clientDescription, compare, fetchAsSent, pagesJson, sizeOf, startSeededApp, startStaticServer, tableHeader, textOf, type Sent } from './_http.js';

const n = Number(arg('n', '100000'));
const duration = Number(arg('duration', '10'));
const connections = Number(arg('connections', '64'));
const given = arg('db', '');
const dir = given ? path.dirname(path.resolve(given)) : mkdtempSync(path.join(tmpdir(), 'paperboy-bench-api-'));
const db = given ? path.resolve(given) : path.join(dir, 'bench.db');

const app = await startSeededApp({ dir, db, n });
process.stdout.write(`store: ${n} papers (${app.seeded} seeded now, ${app.seedSeconds.toFixed(1)} s), daily lists of 50\n`);

const targets = [
  ['/api/daily_papers (50 items)', '/api/daily_papers'],
  ['/feeds/daily.rss (50 items)', '/feeds/daily.rss'],
] as const;
const pages: Record<string, Sent> = {};
for (const [, p] of targets) {
  const r = await fetchAsSent(`${app.base}${p}`);
  if (r.status !== 200) throw new Error(`${p} answered ${r.status}: ${textOf(r).slice(0, 200)}`);
  pages[p] = r;
}
const items = (JSON.parse(textOf(pages['/api/daily_papers'])) as unknown[]).length;
const feedItems = (textOf(pages['/feeds/daily.rss']).match(/<item>/g) ?? []).length;
if (items < 1 || feedItems < 1) throw new Error('the lists are empty');
process.stdout.write(`/api/daily_papers: ${items} items, ${sizeOf(pages['/api/daily_papers'])}; /feeds/daily.rss: ${feedItems} items, ${sizeOf(pages['/feeds/daily.rss'])}\n`);

// The bodies go through a file: together they exceed what an environment variable may hold.
const pagesFile = path.join(dir, 'bench-api-pages.json');
writeFileSync(pagesFile, pagesJson(pages));
const raw = await startStaticServer(pagesFile);
const rawBase = `http://127.0.0.1:${raw.msg.port}`;

const results = [];
for (const [label, p] of targets) results.push(await compare(label, `${app.base}${p}`, `${rawBase}${p}`, connections, duration));

process.stdout.write(
  ['', ...tableHeader('endpoint'), ...results.map((r) => r.row), '', `${connections} connections, ${duration} s per run after a 2 s warm-up, ${n} papers, ${clientDescription}, Node ${process.version}`, '', ...results.map((r) => r.verdict), ''].join('\n'),
);
app.child.kill('SIGTERM');
raw.child.kill('SIGTERM');
rmSync(given ? pagesFile : dir, { recursive: true, force: true });
process.exitCode = results.every((r) => r.pass) ? 0 : 1;
