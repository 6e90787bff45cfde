// `npm run bench -- search [--n 1000000] [--db FILE] [--queries 200] [--recall-queries 30]`
//
// Builds a store of N generated papers with seedStore (the real Kaggle import path, so the FTS5
// triggers run as they do in production), then measures:
//   - keyword search p50/p95 through searchPapers (parse, FTS5, hidden filter, count, papers, highlights)
//     and the same FTS5 MATCH issued raw against the database in the same run, and their ratio, for
//     a fixed query mix from real titles (bench/_search-queries.ts);
//   - the bundled model's query embedding alone (after its warm-up), and its throughput;
//   - hybrid search p50/p95 through searchPapers with the bundled model embedding each query;
//   - vector recall@20 of the quantized prefilter + rescoring against an exact scan;
//   - index sizes and process memory.
// Embedding a million abstracts with the bundled model is not possible here (a few per second), so the
// vector index holds DETERMINISTIC SYNTHETIC vectors (clustered, unit length, 512 dims) stored under the
// bundled model's name; the output says so. --db FILE keeps the built store for reruns.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { countPapers } from '../src/store/papers.js';
import { setEmbedder } from '../src/search/embedder.js';
import { BundledEmbedder } from '../src/search/embedders/bundled.js';
import { searchIndexOf } from '../src/search/index.js';
import { searchPapers } from '../src/search/search.js';
import { anyWords, parseQuery } from '../src/search/query.js';
import { compileMatch, matchPhrases } from '../src/search/sqlite/match.js';
import { MIN_CANDIDATES, RANK_WINDOW, RESCORE_FACTOR, type SqliteSearchIndex } from '../src/search/sqlite/index.js';
import { recentIndexUsable } from '../src/search/sqlite/recent-fts.js';
import { benchQueries } from './_search-queries.js';
import { seedStore } from './seed.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const n = Number(arg('n', '1000000'));
const queryCount = Number(arg('queries', '200'));
const recallQueries = Number(arg('recall-queries', '30'));
const keep = arg('db', '');
const DIMS = 512;

const out: string[] = [];
const say = (line: string) => {
  out.push(line);
  process.stdout.write(`${line}\n`);
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x: number) => `${x.toFixed(2)} ms`;
const mib = (b: number) => `${(b / 1_048_576).toFixed(1)} MiB`;

// A small seeded PRNG (mulberry32) and Gaussian samples, so vectors are the same on every run.
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

const dir = keep ? path.dirname(path.resolve(keep)) : mkdtempSync(path.join(tmpdir(), 'paperboy-bench-search-'));
const dbFile = keep ? path.resolve(keep) : path.join(dir, 'bench.db');
const reuse = keep && existsSync(dbFile);
const config = loadConfig({ DATABASE_URL: dbFile, PAPERBOY_DATA_DIR: dir, PAPERBOY_SECRET: 'bench', LOG_LEVEL: 'silent', PAPERBOY_EMBEDDER: 'bundled' });
const opened = Date.now();
const ctx = await createContext(config);
const openSecs = (Date.now() - opened) / 1000;
const index = searchIndexOf(ctx);
const embedder = new BundledEmbedder();
setEmbedder(ctx, embedder);
const model = { name: embedder.name, dims: DIMS };

try {
  say(`# search benchmark: ${n.toLocaleString('en')} papers (${new Date().toISOString()})`);
  say(`machine: 2 cores (shared with other work; load average at start ${(await import('node:os')).loadavg()[0].toFixed(1)}), Node ${process.version}`);

  // 1. The store.
  const have = reuse ? await countPapers(ctx.store.db) : 0;
  if (have < n) {
    const t = Date.now();
    const r = await seedStore(ctx, { papers: n });
    const secs = (Date.now() - t) / 1000;
    say(`seeded ${r.inserted.toLocaleString('en')} papers through the Kaggle import path in ${secs.toFixed(0)} s (${Math.round(r.inserted / secs)} papers/s, FTS5 triggers included)`);
  } else say(`reusing ${have.toLocaleString('en')} papers in ${dbFile} (opened, migrations included, in ${openSecs.toFixed(1)} s)`);

  // 2. Synthetic vectors (deterministic, clustered like real embeddings: 2,000 topics).
  const coverage = await index.vectorCoverage(model);
  const ids = (ctx.store.sqlite!.prepare('select id from papers order by rowid').all() as Array<{ id: string }>).map((r) => r.id);
  const gen = rng(7);
  const centroids = Array.from({ length: 2000 }, () => unit(Float32Array.from({ length: DIMS }, () => gen.gauss())));
  const vectorOf = (i: number) => {
    const g = rng(1000 + i);
    const c = centroids[Math.floor(g.next() * centroids.length)];
    const v = new Float32Array(DIMS);
    const noise = unit(Float32Array.from({ length: DIMS }, () => g.gauss()));
    for (let d = 0; d < DIMS; d++) v[d] = c[d] + 0.9 * noise[d];
    return unit(v);
  };
  if (coverage.embedded < ids.length) {
    const t = Date.now();
    const now = new Date().toISOString();
    for (let i = 0; i < ids.length; i += 5000) {
      const batch = ids.slice(i, i + 5000).map((paperId, j) => ({ paperId, vector: vectorOf(i + j) }));
      await index.upsertVectors(batch, model, now);
      if (i % 100_000 === 0) process.stderr.write(`\rvectors ${i.toLocaleString('en')}`);
    }
    process.stderr.write('\n');
    say(`stored ${ids.length.toLocaleString('en')} SYNTHETIC vectors (512 dims, float + 1-bit + int8 copies) in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }

  // 3. Queries: the fixed mix of bench/_search-queries.ts (real titles that are not the generator's source).
  const mix = benchQueries(queryCount);
  const queries = mix.map((q) => q.text);
  const kinds = new Map<string, number>();
  for (const q of mix) kinds.set(q.filter ? `${q.kind} + ${q.filter}` : q.kind, (kinds.get(q.filter ? `${q.kind} + ${q.filter}` : q.kind) ?? 0) + 1);

  // The raw side: the same FTS5 MATCH strings searchPapers sends (the strict query, then the
  // any-word query when nothing has every word), issued directly, three ways: the windowed ranking
  // paperboy uses with the same scoring (bm25_df with the same kept document counts, when the
  // extension is built here); the same window ranked by FTS5's own bm25() (every phrase counted per
  // query); and plain ORDER BY rank over every match (what FTS5 alone would do). Filters (cat:,
  // year:, has:code) are SQL outside FTS5 and are not part of the raw side.
  // The window comes from the index of the newest papers when it holds the whole window (counted
  // there first, unranked, as searchPapers does: src/search/sqlite/index.ts), else from the full index.
  const sqlite = ctx.store.sqlite!;
  const counts = (index as SqliteSearchIndex).phraseCounts;
  type Text = ReturnType<typeof parseQuery>['text'];
  const windowOf = (table: string, known: boolean) => {
    const score = known && counts ? `bm25_df(f.${table}, ?, 10.0, 4.0, 1.0)` : 'f.rank';
    const stmt = sqlite.prepare(
      `select rowid, s, count(*) over () n from (select f.rowid, ${score} s from ${table} f where ${table} match ? order by f.rowid desc limit ${RANK_WINDOW}) order by s limit 20`,
    );
    return (text: Text, m: string) => (known && counts ? stmt.all(counts.blob(table, matchPhrases(text)), m) : stmt.all(m));
  };
  const recentUsable = recentIndexUsable(sqlite);
  const countRecent = sqlite.prepare(`select count(*) from (select rowid from papers_fts_recent where papers_fts_recent match ? limit ${RANK_WINDOW})`).pluck();
  const windowed = (known: boolean) => {
    const full = windowOf('papers_fts', known);
    const recent = windowOf('papers_fts_recent', known);
    return (text: Text, m: string) => (recentUsable && (countRecent.get(m) as number) >= RANK_WINDOW ? recent(text, m) : full(text, m));
  };
  const rawWindow = windowed(true);
  const rawBm25 = windowed(false);
  const plain = sqlite.prepare('select rowid, rank from papers_fts where papers_fts match ? order by rank limit 20');
  const rawPlain = (_: Text, m: string) => plain.all(m);
  const rawSearch = (run: (text: Text, m: string) => unknown[], s: string) => {
    const text = parseQuery(s).text;
    const rows = run(text, compileMatch(text)!);
    const any = anyWords(text);
    if (!rows.length && any && text.terms.length + text.phrases.length > 1) return run(any, compileMatch(any)!);
    return rows;
  };
  // Document counts of the queries' common phrases are kept, as on a server that has seen these
  // words in the last DF_TTL_MS; what a phrase's first sight costs is measured after the main loop.
  for (const s of queries) rawSearch(rawWindow, s);
  // Warm caches once (every path), then time them interleaved so that all see the same machine.
  for (const s of queries.slice(0, 20)) {
    rawSearch(rawBm25, s);
    rawSearch(rawPlain, s);
    await searchPapers(ctx, s, { limit: 20, mode: 'keyword' });
  }
  const tRaw: number[] = [];
  const tRawBm25: number[] = [];
  const tPlain: number[] = [];
  const tKw: number[] = [];
  const cRaw: number[] = [];
  const cKw: number[] = [];
  // Blocks read from the disk per query (SQLite reads its file with read(), so a page missing from
  // the OS cache shows here, not as a page fault): a slow query with few CPU ms and no disk reads
  // waited for a core.
  const fKw: number[] = [];
  const faults = () => process.resourceUsage().fsRead;
  const cpu = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  let matched = 0;
  for (const s of queries) {
    let c = process.cpuUsage();
    let t = performance.now();
    rawSearch(rawWindow, s);
    tRaw.push(performance.now() - t);
    cRaw.push(cpu(process.cpuUsage(c)));
    t = performance.now();
    rawSearch(rawBm25, s);
    tRawBm25.push(performance.now() - t);
    c = process.cpuUsage();
    const f = faults();
    t = performance.now();
    const r = await searchPapers(ctx, s, { limit: 20, mode: 'keyword' });
    tKw.push(performance.now() - t);
    cKw.push(cpu(process.cpuUsage(c)));
    fKw.push(faults() - f);
    if (r.hits.length) matched++;
  }
  // Plain ORDER BY rank in a loop of its own: whatever statement runs next on the connection after
  // one that ranks a broad word's every match costs ~110-140 ms more CPU (1M papers, "models",
  // reproduced alone; not a V8 collection, not page faults), which interleaved it charged to searchPapers.
  for (const s of queries) {
    const t0 = performance.now();
    rawSearch(rawPlain, s);
    tPlain.push(performance.now() - t0);
  }
  say('');
  say(`## keyword (${queries.length} queries, ${matched} with results; 20 results with highlights and a count capped at 1,000)`);
  say(`query mix: ${[...kinds].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  say(`searchPapers keyword: p50 ${ms(pct(tKw, 50))}, p95 ${ms(pct(tKw, 95))}, p99 ${ms(pct(tKw, 99))}`);
  say(
    `raw FTS5, same MATCH, same ranking (newest ${RANK_WINDOW.toLocaleString('en')} matches by BM25, LIMIT 20, from the newest-papers index when it holds the window${recentUsable ? '' : ' [not usable in this store]'}; ${counts ? 'bm25_df with the same kept document counts' : 'bm25_df NOT built here: bm25()'}): p50 ${ms(pct(tRaw, 50))}, p95 ${ms(pct(tRaw, 95))}`,
  );
  say(`raw FTS5, same MATCH and window, ranked by FTS5's bm25() (each phrase's documents counted per query): p50 ${ms(pct(tRawBm25, 50))}, p95 ${ms(pct(tRawBm25, 95))}`);
  say(`ratio p95 searchPapers / raw: ${(pct(tKw, 95) / pct(tRaw, 95)).toFixed(2)}x (p50 ${(pct(tKw, 50) / pct(tRaw, 50)).toFixed(2)}x)`);
  const plainIdx = mix.map((q, i) => (q.filter ? -1 : i)).filter((i) => i >= 0);
  const sub = (xs: number[]) => plainIdx.map((i) => xs[i]);
  say(
    `without filters (${plainIdx.length} queries; the raw side has no filter SQL): searchPapers p50 ${ms(pct(sub(tKw), 50))}, p95 ${ms(pct(sub(tKw), 95))}; raw p50 ${ms(pct(sub(tRaw), 50))}, p95 ${ms(pct(sub(tRaw), 95))}; ratio p95 ${(pct(sub(tKw), 95) / pct(sub(tRaw), 95)).toFixed(2)}x, CPU ratio p95 ${(pct(sub(cKw), 95) / pct(sub(cRaw), 95)).toFixed(2)}x`,
  );
  say(`raw FTS5, same MATCH, ORDER BY rank over every match (no window) LIMIT 20: p50 ${ms(pct(tPlain, 50))}, p95 ${ms(pct(tPlain, 95))}, p99 ${ms(pct(tPlain, 99))}`);
  say(`CPU time per query (less sensitive to the shared machine's load): searchPapers p50 ${ms(pct(cKw, 50))}, p95 ${ms(pct(cKw, 95))}; raw p50 ${ms(pct(cRaw, 50))}, p95 ${ms(pct(cRaw, 95))}; ratio p95 ${(pct(cKw, 95) / pct(cRaw, 95)).toFixed(2)}x`);
  const slowest = queries.map((q, i) => ({ q, t: tKw[i], c: cKw[i], f: fKw[i] })).sort((x, y) => y.t - x.t).slice(0, 8);
  say(`slowest through searchPapers (wall / CPU / disk blocks read): ${slowest.map((x) => `${JSON.stringify(x.q.trim())} ${x.t.toFixed(0)} / ${x.c.toFixed(0)} ms / ${x.f}`).join('; ')}`);
  if (counts) {
    // The same queries, each seeing its phrases for the first time: every count is made again.
    const tCold: number[] = [];
    const cCold: number[] = [];
    for (const s of queries) {
      counts.clear();
      const c = process.cpuUsage();
      const t = performance.now();
      await searchPapers(ctx, s, { limit: 20, mode: 'keyword' });
      tCold.push(performance.now() - t);
      cCold.push(cpu(process.cpuUsage(c)));
    }
    say(`first sight of every phrase (kept document counts emptied before each query): searchPapers p50 ${ms(pct(tCold, 50))}, p95 ${ms(pct(tCold, 95))}; CPU p50 ${ms(pct(cCold, 50))}, p95 ${ms(pct(cCold, 95))}`);
    for (const s of queries) rawSearch(rawWindow, s);
  }

  // 4. The bundled model: load (with the thread's warm-up), query latency alone, throughput on real abstracts.
  let t = performance.now();
  await embedder.embed(['warm up']);
  const loadMs = performance.now() - t;
  const tEmbed: number[] = [];
  const cEmbed: number[] = [];
  for (const s of queries.slice(0, 100)) {
    const c = process.cpuUsage();
    t = performance.now();
    await embedder.embed([s]);
    tEmbed.push(performance.now() - t);
    cEmbed.push(cpu(process.cpuUsage(c)));
  }
  const abstracts = (ctx.store.sqlite!.prepare('select title, abstract from papers where rowid % 997 = 0 limit 64').all() as Array<{ title: string; abstract: string }>).map(
    (r) => `${r.title}. ${r.abstract}`,
  );
  t = performance.now();
  for (let i = 0; i < abstracts.length; i += 16) await embedder.embed(abstracts.slice(i, i + 16));
  const perSec = abstracts.length / ((performance.now() - t) / 1000);
  say('');
  say('## bundled model (USE lite, TensorFlow.js wasm backend with SIMD, in its own thread)');
  say(`model load + warm-up ${ms(loadMs)}; query embedding alone (round trip to the thread, ${tEmbed.length} queries): p50 ${ms(pct(tEmbed, 50))}, p95 ${ms(pct(tEmbed, 95))} (CPU, mostly the model thread's: p50 ${ms(pct(cEmbed, 50))}, p95 ${ms(pct(cEmbed, 95))}); throughput ${perSec.toFixed(1)} abstracts/s (batches of 16, ${abstracts.length} abstracts)`);

  // 5. Hybrid through searchPapers, embedding each query with the real model.
  t = performance.now();
  const qv0 = (await embedder.embed(['graph neural networks']))[0];
  await index.vector(qv0, model, { categories: [] }, 20);
  say(`1-bit codes loaded into memory on the first vector search: ${ms(performance.now() - t)}`);
  const tHy: number[] = [];
  const cHy: number[] = [];
  const fHy: number[] = [];
  for (const s of queries) {
    const c = process.cpuUsage();
    const f = faults();
    t = performance.now();
    await searchPapers(ctx, s, { limit: 20, mode: 'hybrid', waitForModel: true });
    tHy.push(performance.now() - t);
    cHy.push(cpu(process.cpuUsage(c)));
    fHy.push(faults() - f);
  }
  const tVec: number[] = [];
  const qvs = await embedder.embed(queries.slice(0, 50));
  for (const v of qvs) {
    t = performance.now();
    await index.vector(v, model, { categories: [] }, 100);
    tVec.push(performance.now() - t);
  }
  // The keyword side of each hybrid query alone (its BM25 top 100, filters included), for the critical path.
  const tKw100: number[] = [];
  for (const s of queries) {
    const p = parseQuery(s);
    t = performance.now();
    await index.keyword(p.text, p.filters, { limit: 100, offset: 0, sort: 'relevance', countCap: 1000 });
    tKw100.push(performance.now() - t);
  }
  say('');
  say('## hybrid (query embedding + BM25 top 100 + vector top 100 + score fusion + papers + highlights)');
  say(`searchPapers hybrid: p50 ${ms(pct(tHy, 50))}, p95 ${ms(pct(tHy, 95))}, p99 ${ms(pct(tHy, 99))}; CPU time (both threads) p50 ${ms(pct(cHy, 50))}, p95 ${ms(pct(cHy, 95))}`);
  say(`vector side alone (k=100, ${Math.max(MIN_CANDIDATES, 100 * RESCORE_FACTOR)} candidates rescored from int8 copies, no filter, 50 queries): p50 ${ms(pct(tVec, 50))}, p95 ${ms(pct(tVec, 95))}`);
  say(`keyword side alone (BM25 top 100 with the query's filters, the strict query only): p50 ${ms(pct(tKw100, 50))}, p95 ${ms(pct(tKw100, 95))}`);
  const slowestHybrid = queries.map((q, i) => ({ q, t: tHy[i], c: cHy[i], f: fHy[i] })).sort((x, y) => y.t - x.t).slice(0, 8);
  say(`slowest hybrid (wall / CPU of both threads / disk blocks read): ${slowestHybrid.map((x) => `${JSON.stringify(x.q.trim())} ${x.t.toFixed(0)} / ${x.c.toFixed(0)} ms / ${x.f}`).join('; ')}`);

  // 6. Recall@20 of quantized prefilter + rescoring, against an exact scan, by candidate count.
  const qr = rng(5);
  const probes = Array.from({ length: recallQueries }, () => {
    const base = vectorOf(Math.floor(qr.next() * ids.length));
    const noise = unit(Float32Array.from({ length: DIMS }, () => qr.gauss()));
    return unit(base.map((x, d) => x + 0.5 * noise[d]));
  });
  const exact: string[][] = [];
  const tExact: number[] = [];
  for (const p of probes) {
    t = performance.now();
    exact.push((await index.vectorExact(p, model, 20)).map((h) => h.paperId));
    tExact.push(performance.now() - t);
  }
  say('');
  say(`## vector recall@20 (${recallQueries} probes near stored vectors; exact scan p50 ${ms(pct(tExact, 50))})`);
  for (const cand of [100, 200, 500, 1000, 2000]) {
    let hit = 0;
    const tt: number[] = [];
    for (let i = 0; i < probes.length; i++) {
      t = performance.now();
      const got = new Set((await index.vector(probes[i], model, { categories: [] }, 20, { candidates: cand })).map((h) => h.paperId));
      tt.push(performance.now() - t);
      hit += exact[i].filter((id) => got.has(id)).length;
    }
    say(`candidates ${cand}${cand === Math.max(MIN_CANDIDATES, 20 * RESCORE_FACTOR) ? ' (default for k=20)' : ''}: recall@20 ${(hit / (20 * probes.length)).toFixed(3)}, p50 ${ms(pct(tt, 50))}, p95 ${ms(pct(tt, 95))}`);
  }

  // 7. Sizes and memory.
  const sizes = await index.sizes();
  const mem = process.memoryUsage();
  say('');
  say('## sizes and memory');
  say(`full-text index ${mib(sizes.fullText ?? 0)}; newest-papers full-text index ${mib(sizes.recentText ?? 0)}; float vectors ${mib(sizes.vectors ?? 0)}; 1-bit vectors ${mib(sizes.quantized ?? 0)}; int8 vectors (rescoring) ${mib(sizes.int8 ?? 0)}; papers ${mib(sizes.papers ?? 0)}; database ${mib(sizes.database ?? 0)}`);
  say(`process memory: rss ${mib(mem.rss)}, heap used ${mib(mem.heapUsed)}, external ${mib(mem.external)} (SQLite page cache capped at 64 MiB)`);
} finally {
  await ctx.store.close();
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
