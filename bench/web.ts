// Web benchmark: the daily page (a list of 50) and a paper page over a store of N papers, each
// against a minimal Node `http` server serving the same bytes from memory, 64 connections (autocannon).
//
//   npm run bench -- web [--n 100000] [--duration 10] [--connections 64] [--db PATH] [--fresh] [--identity]
//
// Requests carry what a browser sends: a returning reader's nonce cookie (--fresh: none) and
// `Accept-Encoding: gzip, deflate, br` (--identity: none, pages uncompressed). The raw server serves
// the very bytes paperboy answered, with the same Content-Type and Content-Encoding.
//
// Each server runs in its own child process so that the load generator (this process) does not
// share a JavaScript thread with it. --db reuses a seeded SQLite file between runs.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import autocannon from 'autocannon';

const here = fileURLToPath(import.meta.url);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

async function childMain(): Promise<void> {
  const role = arg('child', '');
  if (role === 'static') {
    // The baseline: the same bytes from memory with the same content type and coding, nothing else.
    const pages = new Map<string, Buffer>(Object.entries(JSON.parse(process.env.BENCH_PAGES!) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
    const coding = process.env.BENCH_CODING ? { 'content-encoding': process.env.BENCH_CODING } : {};
    const server = http.createServer((req, res) => {
      const body = pages.get(req.url ?? '');
      if (!body) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length, ...coding });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as any).port }));
    return;
  }
  const { loadConfig } = await import('../src/config.js');
  const { createContext } = await import('../src/context.js');
  const { buildApp } = await import('../src/web/app.js');
  const dir = arg('dir', '');
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PAPERBOY_DATA_DIR: dir,
    DATABASE_URL: arg('db', ''),
    PAPERBOY_SECRET: 'bench-secret',
    PAPERBOY_DEMO: 'false',
    PAPERBOY_WORKER: 'false',
    PAPERBOY_EMBEDDER: 'none',
    PAPERBOY_RATE_LIMIT_PER_MIN: '1000000', // the general per-IP limit would otherwise answer 429 to the load generator
  });
  const ctx = await createContext(config);
  if (role === 'seed') {
    const { seedStore } = await import('./seed.js');
    const { countPapers } = await import('../src/store/papers.js');
    const have = await countPapers(ctx.store.db);
    const n = Number(arg('n', '100000'));
    if (have < n) {
      const r = await seedStore(ctx, { papers: n, dailyPerDay: 50, days: 30 });
      process.send!({ seeded: r.inserted, seconds: r.seconds });
    } else process.send!({ seeded: 0, seconds: 0 });
    await ctx.store.close();
    process.exit(0);
  }
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send!({ port: (app.server.address() as any).port });
}

function start(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; msg: any }> {
  const child = fork(here, args, { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (msg) => resolve({ child, msg }));
    child.once('exit', (code) => reject(new Error(`child ${args.join(' ')} exited with ${code}`)));
  });
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

// A returning reader's browser sends its pb_nonce cookie (first visits get one set); --fresh
// measures first visits instead (every request makes a new nonce and a Set-Cookie).
const visitorHeaders: Record<string, string> = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) bench',
  ...(process.argv.includes('--fresh') ? {} : { cookie: 'pb_nonce=bench-returning-reader-0001' }),
  ...(process.argv.includes('--identity') ? {} : { 'accept-encoding': 'gzip, deflate, br' }),
};

/** One GET with the visitor's headers, the body as sent (not decompressed). */
function fetchAsSent(url: string): Promise<{ coding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: visitorHeaders }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ coding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}
const readable = (r: { coding: string | undefined; body: Buffer }) => (r.coding === 'gzip' ? gunzipSync(r.body) : r.body).toString();

async function load(url: string, connections: number, duration: number): Promise<Figures> {
  const r = await autocannon({ url, connections, duration, pipelining: 1, headers: visitorHeaders });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, requests: r.requests.total };
}

async function main(): Promise<void> {
  const n = Number(arg('n', '100000'));
  const duration = Number(arg('duration', '10'));
  const connections = Number(arg('connections', '64'));
  const given = arg('db', '');
  const dir = given ? path.dirname(path.resolve(given)) : mkdtempSync(path.join(tmpdir(), 'paperboy-bench-web-'));
  const db = given ? path.resolve(given) : path.join(dir, 'bench.db');
  const common = ['--dir', dir, '--db', db, '--n', String(n)];

  const t0 = Date.now();
  const seeded = await start(['--child', 'seed', ...common]);
  const seedSeconds = (Date.now() - t0) / 1000;
  process.stdout.write(`store: ${n} papers (${seeded.msg.seeded} seeded now, ${seedSeconds.toFixed(1)} s), daily lists of 50\n`);
  await new Promise((r) => seeded.child.once('exit', r));

  const app = await start(['--child', 'app', ...common]);
  const base = `http://127.0.0.1:${app.msg.port}`;
  const home = await fetchAsSent(`${base}/`);
  const homeText = readable(home);
  const listed = (homeText.match(/<li class="paper"/g) ?? []).length;
  const paperId = /data-paper="([^"]+)"/.exec(homeText)?.[1];
  if (!paperId || listed < 1) throw new Error('the daily page lists no papers');
  const paperPath = `/papers/${paperId}`;
  const paper = await fetchAsSent(`${base}${paperPath}`);
  if (paper.coding !== home.coding) throw new Error('the two pages came in different codings');
  const sizes = (r: typeof home) => `${r.body.length} bytes${r.coding ? ` ${r.coding} (${readable(r).length} characters)` : ''}`;
  process.stdout.write(`daily page: ${listed} papers, ${sizes(home)}; paper page ${paperPath}: ${sizes(paper)}\n`);

  const stat = await start(['--child', 'static'], {
    BENCH_PAGES: JSON.stringify({ '/': home.body.toString('base64'), [paperPath]: paper.body.toString('base64') }),
    BENCH_CODING: home.coding ?? '',
  });
  const staticBase = `http://127.0.0.1:${stat.msg.port}`;

  const rows: string[] = [];
  const results: Record<string, { app: Figures; raw: Figures }> = {};
  for (const [label, p] of [
    ['daily page (/)', '/'],
    ['paper page', paperPath],
  ] as const) {
    await load(`${base}${p}`, connections, 2); // warm-up: JIT, caches
    await load(`${staticBase}${p}`, connections, 2);
    const raw = await load(`${staticBase}${p}`, connections, duration);
    const appF = await load(`${base}${p}`, connections, duration);
    results[label] = { app: appF, raw };
    const ratio = appF.rps / raw.rps;
    rows.push(
      `| ${label} | ${appF.rps.toFixed(0)} | ${raw.rps.toFixed(0)} | ${(ratio * 100).toFixed(0)}% | ${appF.p50} / ${appF.p99} ms | ${raw.p50} / ${raw.p99} ms | ${appF.errors} + ${appF.non2xx} non-2xx |`,
    );
  }
  process.stdout.write(
    [
      '',
      `| page | paperboy req/s | raw node:http req/s | ratio | paperboy p50 / p99 | raw p50 / p99 | paperboy errors |`,
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `${connections} connections, ${duration} s per run after a 2 s warm-up, ${n} papers, ${process.argv.includes('--fresh') ? 'first visits (no cookie)' : 'returning browsers (nonce cookie sent)'}, ${process.argv.includes('--identity') ? 'no Accept-Encoding' : 'Accept-Encoding: gzip, deflate, br'}, Node ${process.version}`,
      '',
    ].join('\n'),
  );
  let ok = true;
  for (const [label, r] of Object.entries(results)) {
    const ratio = r.app.rps / r.raw.rps;
    const pass = ratio >= 0.5 && r.app.p99 <= 25 && r.app.errors === 0 && r.app.non2xx === 0;
    ok &&= pass;
    process.stdout.write(`${label}: ratio ${(ratio * 100).toFixed(0)}% (target ≥ 50%), p99 ${r.app.p99} ms (target ≤ 25), errors ${r.app.errors + r.app.non2xx} (target 0) → ${pass ? 'meets targets' : 'MISSES targets'}\n`);
  }
  app.child.kill('SIGTERM');
  stat.child.kill('SIGTERM');
  if (!given) rmSync(dir, { recursive: true, force: true });
  process.exitCode = ok ? 0 : 1;
}

if (process.argv.includes('--child')) await childMain();
else if (process.argv[1] && path.resolve(process.argv[1]) === here) await main();
