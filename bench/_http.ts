// What the HTTP benchmarks (web, api) share: the app and the raw static server in child processes,
// the browser-like request headers, a GET that keeps the body as sent, and one autocannon run.
//
// The raw baseline is Node's own `http` serving, from memory, the very bytes paperboy answered, with
// the same Content-Type and Content-Encoding: the cost of a server that does nothing else.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import autocannon from 'autocannon';

const here = path.dirname(fileURLToPath(import.meta.url));

export const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

/**
 * What a returning reader's browser sends: its pb_nonce cookie (--fresh: none, a first visit) and
 * `Accept-Encoding: gzip, deflate, br` (--identity: none, responses uncompressed).
 */
export const clientHeaders: Record<string, string> = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) bench',
  ...(process.argv.includes('--fresh') ? {} : { cookie: 'pb_nonce=bench-returning-reader-0001' }),
  ...(process.argv.includes('--identity') ? {} : { 'accept-encoding': 'gzip, deflate, br' }),
};
export const clientDescription = `${process.argv.includes('--fresh') ? 'first visits (no cookie)' : 'returning browsers (nonce cookie sent)'}, ${process.argv.includes('--identity') ? 'no Accept-Encoding' : 'Accept-Encoding: gzip, deflate, br'}`;

export interface Sent {
  status: number;
  type: string;
  coding: string | undefined;
  /** The body as sent (compressed when the server compressed it). */
  body: Buffer;
}

/** One GET with the client's headers, the body kept as it came over the wire. */
export function fetchAsSent(url: string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: clientHeaders }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), coding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

export const textOf = (r: Sent) => (r.coding === 'gzip' ? gunzipSync(r.body) : r.body).toString();
export const sizeOf = (r: Sent) => `${r.body.length} bytes${r.coding ? ` ${r.coding} (${textOf(r).length} characters)` : ''}`;

/** Forks a TypeScript script (through tsx); resolves with its first IPC message. */
export function startChild(script: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; msg: any }> {
  const child = fork(script, args, { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // A failed run must not leave the servers behind.
  process.once('exit', () => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    child.once('message', (msg) => resolve({ child, msg }));
    child.once('exit', (code) => reject(new Error(`child ${path.basename(script)} ${args.join(' ')} exited with ${code}`)));
  });
}

/** The raw static server over `pagesFile` (JSON: path → Sent, bodies in base64), in a child process. */
export const startStaticServer = (pagesFile: string) => startChild(path.join(here, '_http.ts'), ['--static-pages', pagesFile]);

export const pagesJson = (pages: Record<string, Sent>) => JSON.stringify(Object.fromEntries(Object.entries(pages).map(([p, s]) => [p, { ...s, body: s.body.toString('base64') }])));

function serveStatic(pagesFile: string): void {
  const pages = new Map(
    Object.entries(JSON.parse(readFileSync(pagesFile, 'utf8')) as Record<string, Sent & { body: string }>).map(([p, s]) => [
      p,
      { headers: { 'content-type': s.type, ...(s.coding ? { 'content-encoding': s.coding } : {}) }, body: Buffer.from(s.body, 'base64') },
    ]),
  );
  const server = http.createServer((req, res) => {
    const page = pages.get(req.url ?? '');
    if (!page) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.writeHead(200, { ...page.headers, 'content-length': page.body.length });
    res.end(page.body);
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as any).port }));
}

export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

/**
 * autocannon 9 appends every response body to a string (pipelinedRequestsQueue.addBody, kept for
 * its body checks, which we do not use): on two cores that cost more than half of the load
 * generator's CPU and set the latency of any large response, the raw server's included. Each
 * client drops the bodies instead; both servers are measured the same way.
 */
export const dropBodies = (client: any) => {
  client.pipelinedRequests.addBody = () => {};
};

export async function load(url: string, connections: number, duration: number): Promise<Figures> {
  const r = await autocannon({ url, connections, duration, pipelining: 1, headers: clientHeaders, setupClient: dropBodies });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, requests: r.requests.total };
}

/** Raw first, then paperboy, after a warm-up of each; the table row and whether it meets the targets. */
export async function compare(label: string, appUrl: string, rawUrl: string, connections: number, duration: number) {
  await load(appUrl, connections, 2); // warm-up: JIT, caches
  await load(rawUrl, connections, 2);
  const raw = await load(rawUrl, connections, duration);
  const app = await load(appUrl, connections, duration);
  const ratio = app.rps / raw.rps;
  const row = `| ${label} | ${app.rps.toFixed(0)} | ${raw.rps.toFixed(0)} | ${(ratio * 100).toFixed(0)}% | ${app.p50} / ${app.p99} ms | ${raw.p50} / ${raw.p99} ms | ${app.errors} + ${app.non2xx} non-2xx |`;
  const pass = ratio >= 0.5 && app.p99 <= 25 && app.errors === 0 && app.non2xx === 0;
  const verdict = `${label}: ratio ${(ratio * 100).toFixed(0)}% (target ≥ 50%), p99 ${app.p99} ms (target ≤ 25), errors ${app.errors + app.non2xx} (target 0) → ${pass ? 'meets targets' : 'MISSES targets'}`;
  return { app, raw, row, pass, verdict };
}

export const tableHeader = (what: string) => [`| ${what} | paperboy req/s | raw node:http req/s | ratio | paperboy p50 / p99 | raw p50 / p99 | paperboy errors |`, '| --- | --- | --- | --- | --- | --- | --- |'];

/**
 * The store (seeded to N papers with daily lists of 50 unless it has them) and then the app on it, in
 * child processes, as for a deployment: no worker, no embedder, the per-IP limit out of the way of
 * the load generator. Resolves with the app's base URL.
 */
export async function startSeededApp(o: { dir: string; db: string; n: number }): Promise<{ base: string; child: ChildProcess; seeded: number; seedSeconds: number }> {
  const common = ['--dir', o.dir, '--db', o.db, '--n', String(o.n)];
  const t0 = Date.now();
  const seed = await startChild(path.join(here, '_http.ts'), ['--app-role', 'seed', ...common]);
  await new Promise((r) => seed.child.once('exit', r));
  const seedSeconds = (Date.now() - t0) / 1000;
  const app = await startChild(path.join(here, '_http.ts'), ['--app-role', 'serve', ...common]);
  return { base: `http://127.0.0.1:${app.msg.port}`, child: app.child, seeded: seed.msg.seeded, seedSeconds };
}

async function appMain(role: string): Promise<void> {
  const { loadConfig } = await import('../src/config.js');
  const { createContext } = await import('../src/context.js');
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PAPERBOY_DATA_DIR: arg('dir', ''),
    DATABASE_URL: arg('db', ''),
    PAPERBOY_SECRET: 'bench-secret',
    PAPERBOY_DEMO: 'false',
    PAPERBOY_WORKER: 'false',
    PAPERBOY_EMBEDDER: 'none',
    PAPERBOY_RATE_LIMIT_PER_MIN: '1000000', // the per-IP limit would otherwise answer 429 to the load generator
  });
  const ctx = await createContext(config);
  if (role === 'seed') {
    const { seedStore } = await import('./seed.js');
    const { countPapers } = await import('../src/store/papers.js');
    const n = Number(arg('n', '100000'));
    const seeded = (await countPapers(ctx.store.db)) < n ? (await seedStore(ctx, { papers: n, dailyPerDay: 50, days: 30 })).inserted : 0;
    process.send!({ seeded });
    await ctx.store.close();
    process.exit(0);
  }
  const { buildApp } = await import('../src/web/app.js');
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send!({ port: (app.server.address() as any).port });
}

if (process.argv.includes('--static-pages')) serveStatic(arg('static-pages', ''));
if (process.argv.includes('--app-role')) await appMain(arg('app-role', ''));
