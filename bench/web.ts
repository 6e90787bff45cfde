// Web benchmark: the daily page (a list of 50) and a paper page over a store of N papers, each
// against a minimal Node `http` server serving the same bytes from memory, 64 connections (autocannon).
//
//   npm run bench -- web [--n 100000] [--duration 10] [--connections 64] [--db PATH] [--fresh] [--identity]
//
// Requests carry what a returning reader's browser sends (see clientHeaders in _http.ts). Each server
// runs in its own child process, so the load generator (this process) shares no JavaScript thread
// with it. --db reuses a seeded SQLite file between runs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { arg, clientDescription, compare, fetchAsSent, pagesJson, sizeOf, startSeededApp, startStaticServer, tableHeader, textOf } from './_http.js';

const n = Number(arg('n', '100000'));
const duration = Number(arg('duration', '10'));
const connections = Number(arg('connections', '64'));
const given = arg('db', '');
const dir = given ? path.dirname(path.resolve(given)) : mkdtempSync(path.join(tmpdir(), 'paperboy-bench-web-'));
const db = given ? path.resolve(given) : path.join(dir, 'bench.db');

const app = await startSeededApp({ dir, db, n });
process.stdout.write(`store: ${n} papers (${app.seeded} seeded now, ${app.seedSeconds.toFixed(1)} s), daily lists of 50\n`);

const home = await fetchAsSent(`${app.base}/`);
const homeText = textOf(home);
const listed = (homeText.match(/<li class="paper"/g) ?? []).length;
const paperId = /data-paper="([^"]+)"/.exec(homeText)?.[1];
if (home.status !== 200 || !paperId || listed < 1) throw new Error('the daily page lists no papers');
const paperPath = `/papers/${paperId}`;
const paper = await fetchAsSent(`${app.base}${paperPath}`);
process.stdout.write(`daily page: ${listed} papers, ${sizeOf(home)}; paper page ${paperPath}: ${sizeOf(paper)}\n`);

const pagesFile = path.join(dir, 'bench-web-pages.json');
writeFileSync(pagesFile, pagesJson({ '/': home, [paperPath]: paper }));
const raw = await startStaticServer(pagesFile);
const rawBase = `http://127.0.0.1:${raw.msg.port}`;

const results = [];
for (const [label, p] of [
  ['daily page (/)', '/'],
  ['paper page', paperPath],
] as const)
  results.push(await compare(label, `${app.base}${p}`, `${rawBase}${p}`, connections, duration));

process.stdout.write(
  ['', ...tableHeader('page'), ...results.map((r) => r.row), '', `${connections} connections, ${duration} s per run after a 2 s warm-up, ${n} papers, ${clientDescription}, Node ${process.version}`, '', ...results.map((r) => r.verdict), ''].join('\n'),
);
app.child.kill('SIGTERM');
raw.child.kill('SIGTERM');
rmSync(given ? pagesFile : dir, { recursive: true, force: true });
process.exitCode = results.every((r) => r.pass) ? 0 : 1;
