// `npm run bench -- postgres [--n 100000] [--part all|search|keyword|recall|web|seed] [--candidates 100,400,...] [--generator-threads 1] [--rounds 3] [--keep] [--queries 200]
//                             [--recall-queries 30] [--duration 10] [--connections 64]`
//
// paperboy on PostgreSQL (tsvector + GIN, pgvector HNSW), in a database of its own
// (paperboy_bench_N; --keep reuses it between runs, so a large store is seeded once; --part seed only
// builds it, so that the measuring run under the bench lock is short):
//   - keyword search p50/p95 through searchPapers, and the same tsquery ranked raw in SQL, and the ratio;
//   - hybrid search p50/p95 through searchPapers (BM25 top 100 + HNSW top 100 + RRF + papers +
//     highlights). Query vectors come from a deterministic stand-in embedder (a stored vector's
//     neighbourhood), so the figure is the engine's share; the bundled model adds its own query
//     embedding time on either engine (bench/search.ts measures it);
//   - vector recall@20 of the HNSW search (graph over the signs, exact re-ranking) against an exact
//     scan, by the number of candidates re-ranked;
//   - the daily page served by one web process, then by two (wrk, one per process, load split evenly);
//   - disk used (per relation and database) and memory (this process; PostgreSQL's processes).
// Vectors are DETERMINISTIC SYNTHETIC ones (clustered, unit length, 512 dims), as in bench/search.ts:
// embedding a million abstracts with the bundled model is not possible on this machine.
import { execFile, execFileSync, fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { vectorParam } from '../src/search/pg/index.js';
import { benchDatabase, databaseSize, postgresMemory } from './_pg.js';

const here = fileURLToPath(import.meta.url);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] && !process.argv[i + 1]!.startsWith('--') ? process.argv[i + 1]! : fallback;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const DIMS = 512;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;
const mib = (b: number) => `${(b / 1_048_576).toFixed(1)} MiB`;

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  return { next, gauss };
}
function unit(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const k = 1 / Math.sqrt(s || 1);
  for (let i = 0; i < v.length; i++) v[i] *= k;
  return v;
}
const centroidGen = rng(7);
const centroids = Array.from({ length: 2000 }, () => unit(Float32Array.from({ length: DIMS }, () => centroidGen.gauss())));
/** The synthetic vector of the i-th paper (same recipe as bench/search.ts). */
function vectorOf(i: number): Float32Array {
  const g = rng(1000 + i);
  const c = centroids[Math.floor(g.next() * centroids.length)]!;
  const noise = unit(Float32Array.from({ length: DIMS }, () => g.gauss()));
  const v = new Float32Array(DIMS);
  for (let d = 0; d < DIMS; d++) v[d] = c[d]! + 0.9 * noise[d]!;
  return unit(v);
}

/** Runs statements in order on one connection (a SET must reach the connection that uses it). */
async function onOneConnection(pool: import('pg').Pool, statements: string[]): Promise<void> {
  const client = await pool.connect();
  try {
    for (const text of statements) await client.query(text);
  } finally {
    client.release();
  }
}

async function appContext(url: string, dir: string) {
  const { loadConfig } = await import('../src/config.js');
  const { createContext } = await import('../src/context.js');
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PAPERBOY_DATA_DIR: dir,
    DATABASE_URL: url,
    PAPERBOY_SECRET: 'bench-secret',
    PAPERBOY_DEMO: 'false',
    PAPERBOY_WORKER: 'false',
    PAPERBOY_EMBEDDER: 'none',
    PAPERBOY_DB_POOL_SIZE: '10',
    PAPERBOY_RATE_LIMIT_PER_MIN: '1000000',
  });
  return createContext(config);
}

/** What a returning reader's browser sends (the same headers as bench/web.ts). */
const visitorHeaders: Record<string, string> = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) bench',
  cookie: 'pb_nonce=bench-returning-reader-0001',
  'accept-encoding': 'gzip, deflate, br',
};

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return 0;
  }
}
const postgresPids = () => execFileSync('ps', ['-C', 'postgres', '-o', 'pid='], { encoding: 'utf8' }).split('\n').map((l) => Number(l.trim())).filter(Boolean);

/** CPU seconds of this process's children that have ended and been reaped (the wrk runs), from /proc. */
function reapedChildrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime
}

/** Stops with a clear message when wrk, the load generator of the web part, is not installed. */
function requireWrk(): void {
  const probe = spawnSync('wrk', ['--version']);
  if ((probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('the web part needs wrk (a C load generator): apt-get install wrk, or bash scripts/install-bench-deps.sh');
  }
}

const latencyUnits: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };
/**
 * One wrk run against `url`, with the browser headers, and what its --latency report says:
 * requests/s, p99 in ms, and failures (socket errors, timeouts, answers other than 2xx/3xx).
 */
async function wrk(url: string, connections: number, duration: number, threads: number): Promise<{ rps: number; p99: number; errors: number }> {
  const headers = Object.entries(visitorHeaders).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${duration}s`, '--latency', ...headers, url];
  const out = await new Promise<string>((resolve, reject) =>
    execFile('wrk', args, { timeout: (duration + 30) * 1000 }, (error, stdout, stderr) => (error ? reject(new Error(`wrk ${args.join(' ')}: ${error.message} ${stderr}`)) : resolve(stdout))),
  );
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(out);
  if (!rps || !p99) throw new Error(`wrk printed no rate or p99:\n${out}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const errors = (socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0) + Number(non2xx?.[1] ?? 0);
  return { rps: Number(rps[1]), p99: Number(p99[1]) * latencyUnits[p99[2]!]!, errors };
}

// ---- a web server child (one per web process being measured), or the raw baseline serving bytes
if (arg('child', '') === 'web') {
  const ctx = await appContext(arg('url', ''), arg('dir', ''));
  const { buildApp } = await import('../src/web/app.js');
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send!({ port: (app.server.address() as { port: number }).port });
} else if (arg('child', '') === 'static') {
  // The same bytes from memory with the same content type and coding, nothing else (as bench/web.ts).
  const body = Buffer.from(process.env.BENCH_PAGE!, 'base64');
  const coding = process.env.BENCH_CODING ? { 'content-encoding': process.env.BENCH_CODING } : {};
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length, ...coding });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
} else {
  await main();
}

async function main(): Promise<void> {
  const n = Number(arg('n', '100000'));
  const part = arg('part', 'all');
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-bench-pg-'));
  const name = `paperboy_bench_${n}`;
  const database = await benchDatabase(name, flag('keep'));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const ctx = await appContext(database.url, dir);
  const pool = ctx.store.pool!;
  try {
    say(`# PostgreSQL benchmark: ${n.toLocaleString('en')} papers (${new Date().toISOString()})`);
    const version = (await pool.query(`select current_setting('server_version') as v, (select extversion from pg_extension where extname = 'vector') as pgv, current_setting('shared_buffers') as sb`)).rows[0];
    say(`PostgreSQL ${version.v}, pgvector ${version.pgv}, shared_buffers ${version.sb}; machine: 2 cores shared with other work (load average at start ${loadavg()[0]!.toFixed(1)}), Node ${process.version}`);

    // 1. The store, through the real import path (the tsvector trigger runs as in production).
    const { countPapers } = await import('../src/store/papers.js');
    const have = await countPapers(ctx.store.db);
    if (have < n) {
      const { seedStore } = await import('./seed.js');
      // The GIN index is built once after the load (as a restore would), not grown row by row.
      await pool.query('drop index if exists paper_search_tsv, paper_search_title, paper_search_published');
      const t = Date.now();
      const r = await seedStore(ctx, { papers: n, batchSize: 5000 });
      const secs = (Date.now() - t) / 1000;
      say(`seeded ${r.inserted.toLocaleString('en')} papers through the Kaggle import path in ${secs.toFixed(0)} s (${Math.round(r.inserted / secs)} papers/s, tsvector trigger included)`);
      const g = Date.now();
      await onOneConnection(pool, [
        `set maintenance_work_mem = '1GB'`,
        'create index if not exists paper_search_tsv on paper_search using gin (tsv)',
        'create index if not exists paper_search_title on paper_search using gin (title_tsv)',
        'create index if not exists paper_search_published on paper_search (published_at desc, paper_id) include (title_tsv)',
      ]);
      say(`GIN indexes (all fields, titles) and the date index of paper_search built in ${((Date.now() - g) / 1000).toFixed(0)} s`);
      const v = Date.now();
      await pool.query('vacuum analyze');
      say(`vacuum analyze in ${((Date.now() - v) / 1000).toFixed(0)} s`);
    } else say(`reusing ${have.toLocaleString('en')} papers in database ${name}`);

    const { searchIndexOf } = await import('../src/search/index.js');
    await import('../src/search/engines.js');
    const { setEmbedder } = await import('../src/search/embedder.js');
    const index = searchIndexOf(ctx);
    const model = { name: 'bench-synthetic-512', dims: DIMS };

    if (part === 'all' || part === 'search' || part === 'seed') {
      // 2. Vectors: loaded in bulk, then the HNSW index built once (faster than growing it row by row).
      const ids = (await pool.query<{ id: string }>('select id from papers order by id')).rows.map((r) => r.id);
      const cov = await index.vectorCoverage(model);
      if (cov.embedded < ids.length) {
        const t = Date.now();
        const [table] = (await pool.query<{ ok: boolean }>(`select to_regclass('search_vectors') is not null as ok`)).rows;
        if (!table?.ok) await index.upsertVectors([{ paperId: ids[0]!, vector: vectorOf(0) }], model, new Date().toISOString()); // creates the table
        await pool.query(`drop index if exists search_vectors_hnsw_${DIMS}, search_vectors_signs_${DIMS}`);
        // Vectors go as binary parameters (pgvector's wire format): printing 512 floats as text costs
        // more than storing them. Two batches in flight, so that this process and the server overlap.
        const rowsPerBatch = 500;
        const inFlight = new Set<Promise<void>>();
        const from = Math.max(0, cov.embedded - 20 * rowsPerBatch); // a resumed load redoes its last batches
        for (let i = from - (from % rowsPerBatch); i < ids.length; i += rowsPerBatch) {
          const batch = ids.slice(i, i + rowsPerBatch);
          const values: unknown[] = [];
          const tuples = batch.map((id, j) => {
            values.push(id, vectorParam(vectorOf(i + j)));
            return `($${2 * j + 1}, '${model.name}', ${DIMS}, $${2 * j + 2}::vector)`;
          });
          const done = (async () => {
            await pool.query(
              `insert into search_vectors(paper_id, model, dims, vec) values ${tuples.join(',')}
               on conflict (paper_id) do update set vec = excluded.vec, model = excluded.model, dims = excluded.dims`,
              values,
            );
            await pool.query(
              `insert into embedding_state(paper_id, model, dims, embedded_at) select x.id, $2, $3, $4 from unnest($1::text[]) as x(id) on conflict (paper_id) do nothing`,
              [batch, model.name, DIMS, new Date().toISOString()],
            );
          })();
          inFlight.add(done);
          void done.finally(() => inFlight.delete(done));
          if (inFlight.size >= 2) await Promise.race(inFlight);
          if (i % 100_000 === 0) process.stderr.write(`\rvectors ${i.toLocaleString('en')}`);
        }
        await Promise.all(inFlight);
        process.stderr.write('\n');
        say(`stored ${(ids.length - from).toLocaleString('en')} SYNTHETIC vectors (512 dims) in ${((Date.now() - t) / 1000).toFixed(0)} s`);
      }
      const { SIGN_GRAPH_EF_CONSTRUCTION, SIGN_GRAPH_M, signGraph, vectorIndexName, vectorIndexSql } = await import('../src/store/migrations/0602_search_postgres_vector_bits.js');
      const pgvector = version.pgv as string | null;
      const [hnsw] = (await pool.query<{ ok: boolean }>(`select to_regclass('${vectorIndexName(DIMS, pgvector)}') is not null as ok`)).rows;
      if (!hnsw?.ok) {
        const b = Date.now();
        // The graph must fit in memory, or the build crawls (signs: 64 bytes a vector; floats: 2 kB).
        await onOneConnection(pool, [`set maintenance_work_mem = '${Math.max(1, Math.ceil((ids.length * DIMS * 4 * 2) / 2 ** 30))}GB'`, vectorIndexSql(DIMS, pgvector)]);
        await pool.query('analyze search_vectors');
        const params = signGraph(DIMS, pgvector) ? `m ${SIGN_GRAPH_M}, ef_construction ${SIGN_GRAPH_EF_CONSTRUCTION}` : 'm 16, ef_construction 64';
        say(`HNSW index ${vectorIndexName(DIMS, pgvector)} (${params}) over ${ids.length.toLocaleString('en')} vectors built in ${((Date.now() - b) / 1000).toFixed(0)} s`);
      }

    }
    if (['all', 'search', 'keyword', 'recall'].includes(part)) {
      const ids = (await pool.query<{ id: string }>('select id from papers order by id')).rows.map((r) => r.id);
      if (part !== 'recall') {
        // 3. Queries: 1-3 consecutive content words from titles of random papers (as bench/search.ts).
        const { parseQuery, STOPWORDS, words } = await import('../src/search/query.js');
        const { compileTsquery } = await import('../src/search/pg/tsquery.js');
        const { COUNT_CAP, searchPapers } = await import('../src/search/search.js');
        const queryCount = Number(arg('queries', '200'));
        const q = rng(99);
        const queries: string[] = [];
        while (queries.length < queryCount) {
          const pick = ids[Math.floor(q.next() * ids.length)]!;
          const { rows } = await pool.query<{ title: string }>('select title from papers where id = $1', [pick]);
          const w = words(rows[0]?.title ?? '').filter((x) => x.length >= 3 && !STOPWORDS.has(x) && !/^\d+$/.test(x));
          const len = 1 + (queries.length % 3);
          if (w.length < len) continue;
          const start = Math.floor(q.next() * (w.length - len + 1));
          queries.push(`${w.slice(start, start + len).join(' ')} `);
        }
        const rawSql = `select s.paper_id, ts_rank('{0, 0.1, 0.4, 1.0}', s.tsv, q.q, 1) as r from (select to_tsquery('english', $1) as q) q, paper_search s
                        join papers p on p.id = s.paper_id where s.tsv @@ q.q and p.hidden = 0 order by r desc limit 20`;
        for (const s of queries.slice(0, 20)) {
          await pool.query(rawSql, [compileTsquery(parseQuery(s).text)]);
          await searchPapers(ctx, s, { limit: 20, mode: 'keyword' });
        }
        const tRaw: number[] = [];
        const tKw: number[] = [];
        let matched = 0;
        for (const s of queries) {
          const text = compileTsquery(parseQuery(s).text);
          let t = performance.now();
          await pool.query(rawSql, [text]);
          tRaw.push(performance.now() - t);
          t = performance.now();
          const r = await searchPapers(ctx, s, { limit: 20, mode: 'keyword' });
          tKw.push(performance.now() - t);
          if (r.hits.length) matched++;
        }
        say('');
        say(`## keyword (${queries.length} queries of 1-3 title words, ${matched} with results; 20 results with highlights and a count capped at ${COUNT_CAP.toLocaleString('en')})`);
        say(`searchPapers keyword: p50 ${ms(pct(tKw, 50))}, p95 ${ms(pct(tKw, 95))}, p99 ${ms(pct(tKw, 99))}`);
        say(`raw SQL ranking every match (same tsquery, ts_rank ORDER BY LIMIT 20): p50 ${ms(pct(tRaw, 50))}, p95 ${ms(pct(tRaw, 95))}`);
        say(`ratio p95 searchPapers / raw: ${(pct(tKw, 95) / pct(tRaw, 95)).toFixed(2)}x (p50 ${(pct(tKw, 50) / pct(tRaw, 50)).toFixed(2)}x)`);
        const slowest = queries.map((s, i) => ({ s, t: tKw[i]!, raw: tRaw[i]! })).sort((a, b) => b.t - a.t).slice(0, 5);
        say(`slowest through searchPapers: ${slowest.map((x) => `"${x.s.trim()}" ${ms(x.t)} (raw ${ms(x.raw)})`).join('; ')}`);

        if (part === 'keyword') return;
        // 4. Hybrid: the query vector is a stored paper's neighbourhood (deterministic stand-in model).
        const standIn = {
          name: model.name,
          embed: async (texts: string[]) =>
            texts.map((text) => {
              let h = 2166136261;
              for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
              return vectorOf((h >>> 0) % ids.length);
            }),
        };
        setEmbedder(ctx, standIn);
        for (const s of queries.slice(0, 10)) await searchPapers(ctx, s, { limit: 20, mode: 'hybrid' });
        const tHy: number[] = [];
        let hybridRan = 0;
        for (const s of queries) {
          const t = performance.now();
          const r = await searchPapers(ctx, s, { limit: 20, mode: 'hybrid' });
          tHy.push(performance.now() - t);
          if (r.mode === 'hybrid') hybridRan++;
        }
        // The same with the bundled model embedding each query (USE lite, as on SQLite): the real
        // query-embedding cost; its vectors land among the synthetic ones, so only the time means anything.
        const { BundledEmbedder } = await import('../src/search/embedders/bundled.js');
        const bundled = new BundledEmbedder();
        setEmbedder(ctx, { name: model.name, embed: (texts) => bundled.embed(texts) });
        await bundled.embed(['warm up']);
        for (const s of queries.slice(0, 10)) await searchPapers(ctx, s, { limit: 20, mode: 'hybrid', waitForModel: true });
        const tEmbed: number[] = [];
        for (const s of queries.slice(0, 50)) {
          const t = performance.now();
          await bundled.embed([s]);
          tEmbed.push(performance.now() - t);
        }
        const tHyReal: number[] = [];
        for (const s of queries) {
          const t = performance.now();
          await searchPapers(ctx, s, { limit: 20, mode: 'hybrid', waitForModel: true });
          tHyReal.push(performance.now() - t);
        }
        setEmbedder(ctx, standIn);
        const tVec: number[] = [];
        for (let i = 0; i < 50; i++) {
          const v = vectorOf(Math.floor(q.next() * ids.length));
          const t = performance.now();
          await index.vector(v, model, { categories: [] }, 100);
          tVec.push(performance.now() - t);
        }
        say('');
        say(`## hybrid (keyword top 100 + HNSW top 100 + score fusion + papers + highlights; ${hybridRan} of ${queries.length} ran as hybrid)`);
        say(`searchPapers hybrid, stand-in query vectors (the engine's share): p50 ${ms(pct(tHy, 50))}, p95 ${ms(pct(tHy, 95))}, p99 ${ms(pct(tHy, 99))}`);
        say(`searchPapers hybrid, bundled model embedding each query (USE lite): p50 ${ms(pct(tHyReal, 50))}, p95 ${ms(pct(tHyReal, 95))}, p99 ${ms(pct(tHyReal, 99))}`);
        say(`query embedding alone (bundled model, 50 queries): p50 ${ms(pct(tEmbed, 50))}, p95 ${ms(pct(tEmbed, 95))}`);
        say(`vector side alone (HNSW, k=100): p50 ${ms(pct(tVec, 50))}, p95 ${ms(pct(tVec, 95))}`);

      }
      // 5. Recall@20 against an exact scan, by candidates re-ranked (--efs: the old name).
      const recallQueries = Number(arg('recall-queries', '30'));
      const qr = rng(5);
      const probes = Array.from({ length: recallQueries }, () => {
        const base = vectorOf(Math.floor(qr.next() * ids.length));
        const noise = unit(Float32Array.from({ length: DIMS }, () => qr.gauss()));
        return unit(base.map((x, d) => x + 0.5 * noise[d]!));
      });
      const exact: string[][] = [];
      const tExact: number[] = [];
      for (const p of probes) {
        const t = performance.now();
        exact.push((await index.vectorExact(p, model, 20)).map((h) => h.paperId));
        tExact.push(performance.now() - t);
      }
      say('');
      say(`## vector recall@20 (${recallQueries} probes near stored vectors; exact scan p50 ${ms(pct(tExact, 50))})`);
      const { RERANKED_CANDIDATES } = await import('../src/search/pg/index.js');
      for (const ef of arg('candidates', arg('efs', '100,200,400,800')).split(',').map(Number)) {
        let hit = 0;
        const tt: number[] = [];
        for (let i = 0; i < probes.length; i++) {
          const t = performance.now();
          const got = new Set((await (index as any).vector(probes[i], model, { categories: [] }, 20, { candidates: ef })).map((h: { paperId: string }) => h.paperId));
          tt.push(performance.now() - t);
          hit += exact[i]!.filter((id) => got.has(id)).length;
        }
        say(`candidates ${ef}${ef === RERANKED_CANDIDATES ? ' (default)' : ''}: recall@20 ${(hit / (20 * probes.length)).toFixed(3)}, p50 ${ms(pct(tt, 50))}, p95 ${ms(pct(tt, 95))}`);
      }
    }

    if (part === 'all' || part === 'web') {
      // 6. The daily page from one web process, then from two, each its own child process on its own
      // port with the load split evenly (the deployment's layout: N `serve --no-worker` processes
      // behind a proxy, docs/deploy.md; Node 20 has no reusePort, and paperboy does not fork a
      // cluster); then the same with a raw node:http server sending the same bytes, to show what the
      // two cores allow once the load generator and PostgreSQL have had theirs. The load generator is
      // wrk, one per server process: autocannon (JavaScript) took 110-160% of the two cores here.
      const duration = Number(arg('duration', '10'));
      const connections = Number(arg('connections', '64'));
      const generatorThreads = Number(arg('generator-threads', '1')); // wrk threads per server process
      requireWrk();
      const start = async (args: string[], env: Record<string, string> = {}) => {
        const child = fork(here, args, { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        const port = await new Promise<number>((resolve, reject) => {
          child.once('message', (m: any) => resolve(m.port));
          child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
        });
        return { child, url: `http://127.0.0.1:${port}/` };
      };
      const fetchAsSent = (url: string) =>
        new Promise<{ coding?: string; body: Buffer }>((resolve, reject) => {
          http
            .get(url, { headers: visitorHeaders }, (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => resolve({ coding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
            })
            .on('error', reject);
        });
      const load = async (servers: Array<{ child: ChildProcess; url: string }>) => {
        // Warm each page cache, then each process's JIT (a second process starts cold) with a short wrk run.
        for (const s of servers) for (let i = 0; i < 50; i++) await fetchAsSent(s.url);
        await Promise.all(servers.map((s) => wrk(s.url, Math.max(generatorThreads, Math.round(connections / servers.length)), 2, generatorThreads)));
        // Every PostgreSQL process on the machine (other work's too), by pid: backends come and go.
        const pgCpu = () => new Map(postgresPids().map((p) => [p, cpuSeconds(p)]));
        const before = { servers: servers.map((s) => cpuSeconds(s.child.pid!)), pg: pgCpu(), generators: reapedChildrenCpuSeconds() };
        const t = performance.now();
        const results = await Promise.all(servers.map((s) => wrk(s.url, Math.max(generatorThreads, Math.round(connections / servers.length)), duration, generatorThreads)));
        const wall = (performance.now() - t) / 1000;
        const share = (secs: number) => `${((100 * secs) / wall).toFixed(0)}%`;
        return {
          rps: results.reduce((n, r) => n + r.rps, 0),
          errors: results.reduce((n, r) => n + r.errors, 0),
          p99: Math.max(...results.map((r) => r.p99)),
          cpu: `${servers.map((s, i) => share(cpuSeconds(s.child.pid!) - before.servers[i]!)).join(' + ')} server; PostgreSQL (all databases) ${share([...pgCpu()].reduce((n, [p, c]) => n + c - (before.pg.get(p) ?? 0), 0))}; wrk ${share(reapedChildrenCpuSeconds() - before.generators)}`,
        };
      };
      const kids: ChildProcess[] = [];
      const spawn = async (args: string[], env?: Record<string, string>) => {
        const s = await start(args, env);
        kids.push(s.child);
        return s;
      };
      try {
        const webArgs = ['--child', 'web', '--url', database.url, '--dir', dir];
        const [one, two] = [await spawn(webArgs), await spawn(webArgs)];
        const page = await fetchAsSent(one.url);
        const env = { BENCH_PAGE: page.body.toString('base64'), BENCH_CODING: page.coding ?? '' };
        const [raw1, raw2] = [await spawn(['--child', 'static'], env), await spawn(['--child', 'static'], env)];
        // Rounds of one, two, raw one, raw two, one after the other: on a machine shared with other
        // work a single round can catch a burst of it in one row and not the next (--rounds N).
        const rounds = Number(arg('rounds', '3'));
        const configs = [
          { server: 'paperboy', processes: [one] },
          { server: 'paperboy', processes: [one, two] },
          { server: 'raw node:http, same bytes', processes: [raw1] },
          { server: 'raw node:http, same bytes', processes: [raw1, raw2] },
        ];
        const rows: string[] = [];
        const rates = configs.map(() => [] as number[]);
        for (let round = 1; round <= rounds; round++) {
          for (const [i, c] of configs.entries()) {
            const r = await load(c.processes);
            rates[i]!.push(r.rps);
            rows.push(`| ${round} | ${c.server} | ${c.processes.length} | ${r.rps.toFixed(0)} | ${r.p99.toFixed(1)} ms | ${r.errors} | ${r.cpu} |`);
          }
        }
        const median = (xs: number[]) => pct(xs, 50);
        const ratios = (one: number, two: number) => rates[two]!.map((x, round) => x / rates[one]![round]!);
        const [paperboyRatios, rawRatios] = [ratios(0, 1), ratios(2, 3)];
        say('');
        say(`## daily page (/), ${connections} connections split evenly, ${duration} s each, one wrk (${generatorThreads} thread${generatorThreads > 1 ? 's' : ''}) per server process, ${rounds} rounds; ${page.body.length} bytes ${page.coding ?? 'identity'} per response`);
        say(`| round | server | processes | requests/s | p99 | errors | CPU (100% = one core) |`);
        say(`| --- | --- | --- | --- | --- | --- | --- |`);
        for (const row of rows) say(row);
        say(`median requests/s: paperboy one ${median(rates[0]!).toFixed(0)}, two ${median(rates[1]!).toFixed(0)}; raw one ${median(rates[2]!).toFixed(0)}, two ${median(rates[3]!).toFixed(0)}`);
        say(`ratio two / one by round: paperboy ${paperboyRatios.map((x) => `${x.toFixed(2)}x`).join(', ')} (median ${median(paperboyRatios).toFixed(2)}x); raw server ${rawRatios.map((x) => `${x.toFixed(2)}x`).join(', ')} (median ${median(rawRatios).toFixed(2)}x)`);
      } finally {
        for (const k of kids) k.kill('SIGTERM');
      }
    }

    // 7. Disk and memory.
    const sizes = await index.sizes();
    const mem = process.memoryUsage();
    say('');
    say('## disk and memory');
    say(`database ${mib(await databaseSize(name))}: papers ${mib(sizes.papers ?? 0)} (with its indexes), full text (paper_search + GIN) ${mib(sizes.fullText ?? 0)}, vectors (+ HNSW) ${mib(sizes.vectors ?? 0)}`);
    const indexes = await pool.query<{ name: string; bytes: number }>(
      `select c.relname as name, pg_relation_size(c.oid)::float8 as bytes from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
       where t.relname in ('papers', 'paper_search', 'search_vectors') order by bytes desc`,
    );
    say(`indexes: ${indexes.rows.map((r) => `${r.name} ${mib(Number(r.bytes))}`).join(', ')}`);
    say(`PostgreSQL processes (sum of PSS) ${mib(postgresMemory())}; this process rss ${mib(mem.rss)}, heap used ${mib(mem.heapUsed)}`);
  } finally {
    await ctx.store.close();
    if (!flag('keep')) await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
