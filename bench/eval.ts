// `npm run eval -- search [--fresh]`: search quality on CSFCube (graded relevance 0-3, 50 query-facet
// pairs over 4,205 computer-science abstracts; see ../shared/fixtures/relevance/csfcube/PROVENANCE.md).
//
// Each query is a paper's title plus the sentences of the judged facet (CSFCube is query by
// example). The engine is the product's own: papers go into a fresh SQLite store through
// upsertPapers (FTS5 triggers), vectors through embedPending (the worker's path) with the bundled
// model, queries through moreLikeText (keyword: BM25 over the query's distinctive words; semantic:
// the query's embedding; hybrid: reciprocal rank fusion of both).
//
// Two protocols are reported:
//   corpus  retrieval over all 4,205 papers (the query paper itself excluded): nDCG@10, recall@20
//   pool    CSFCube's own protocol, re-ranking each query's judged pool: NDCG%20, MAP
// "Relevant" for recall and MAP means adjudicated relevance >= 2; nDCG uses gain 2^rel - 1.
// Vectors are cached in bench/out/search-cache/ (keyed by model and text hash) so that a rerun does
// not embed 4,205 abstracts again; --fresh ignores the cache.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { upsertPapers, type PaperInput } from '../src/store/papers.js';
import { type Embedder, setEmbedder } from '../src/search/embedder.js';
import { BundledEmbedder } from '../src/search/embedders/bundled.js';
import { embedPending } from '../src/search/tasks.js';
import { moreLikeText } from '../src/search/similar.js';
import { fuse, type SearchMode } from '../src/search/search.js';
import { searchIndexOf } from '../src/search/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.resolve(here, '..', '..', 'shared', 'fixtures', 'relevance', 'csfcube');
const args = process.argv.slice(2);
const what = args[0];
if (what !== 'search') {
  process.stderr.write('usage: npm run eval -- search [--fresh]\n');
  process.exit(2);
}
const fresh = args.includes('--fresh');

interface Abstract {
  paper_id: string;
  year: number;
  title: string;
  abstract_sentences: Array<{ label: string; text: string }>;
}

/** Wraps an embedder with an on-disk cache (one JSON line per vector), so reruns skip the model. */
class CachingEmbedder implements Embedder {
  readonly name: string;
  private readonly cache = new Map<string, Float32Array>();
  hits = 0;
  misses = 0;
  constructor(
    private readonly inner: Embedder,
    private readonly file: string,
  ) {
    this.name = inner.name;
    if (!fresh && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        const { h, v } = JSON.parse(line) as { h: string; v: string };
        const buf = Buffer.from(v, 'base64');
        this.cache.set(h, new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
      }
    } else writeFileSync(file, '');
  }
  private key = (t: string) => createHash('sha256').update(`${this.name}\n${t}`).digest('hex').slice(0, 32);
  async embed(texts: string[]): Promise<Float32Array[]> {
    const missing = texts.filter((t) => !this.cache.has(this.key(t)));
    if (missing.length) {
      const vs = await this.inner.embed(missing);
      missing.forEach((t, i) => {
        const h = this.key(t);
        this.cache.set(h, vs[i]);
        appendFileSync(this.file, `${JSON.stringify({ h, v: Buffer.from(vs[i].buffer, vs[i].byteOffset, vs[i].byteLength).toString('base64') })}\n`);
      });
    }
    this.hits += texts.length - missing.length;
    this.misses += missing.length;
    return texts.map((t) => this.cache.get(this.key(t))!);
  }
}

const abstracts = readFileSync(path.join(dataDir, 'csfcube_abstracts.derived.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Abstract);
const byPid = new Map(abstracts.map((a) => [a.paper_id, a]));
const idOf = (pid: string) => `s2-${pid}`;

// Graded judgments per query-facet, and the pools (CSFCube's candidate lists).
const qrels = new Map<string, Map<string, number>>();
for (const line of readFileSync(path.join(dataDir, 'csfcube_qrels.derived.tsv'), 'utf8').split('\n').slice(1)) {
  const [q, facet, cand, rel] = line.split('\t');
  if (!q || !cand) continue;
  const key = `${q}_${facet}`;
  if (!qrels.has(key)) qrels.set(key, new Map());
  qrels.get(key)!.set(cand, Number(rel));
}
const queries = readFileSync(path.join(dataDir, 'queries-release.csv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((l) => {
    const [pid, facet] = l.split(',');
    return { pid, facet };
  })
  .filter((q) => qrels.has(`${q.pid}_${q.facet}`) && byPid.has(q.pid));

const facetLabels: Record<string, string[]> = { background: ['background_label', 'objective_label'], method: ['method_label'], result: ['result_label'] };

function ndcgAt(ranked: string[], rels: Map<string, number>, k: number): number {
  const gain = (r: number) => 2 ** r - 1;
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    dcg += gain(rels.get(id) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...rels.values()].sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((s, r, i) => s + gain(r) / Math.log2(i + 2), 0);
  return idcg ? dcg / idcg : 0;
}
function recallAt(ranked: string[], rels: Map<string, number>, k: number): number {
  const relevant = [...rels.entries()].filter(([, r]) => r >= 2).map(([id]) => id);
  if (!relevant.length) return NaN;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}
function averagePrecision(ranked: string[], rels: Map<string, number>): number {
  const total = [...rels.values()].filter((r) => r >= 2).length;
  if (!total) return NaN;
  let found = 0;
  let sum = 0;
  ranked.forEach((id, i) => {
    if ((rels.get(id) ?? 0) >= 2) {
      found++;
      sum += found / (i + 1);
    }
  });
  return sum / total;
}
const mean = (xs: number[]) => {
  const v = xs.filter((x) => !Number.isNaN(x));
  return v.reduce((s, x) => s + x, 0) / (v.length || 1);
};

const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-eval-'));
const config = loadConfig({ DATABASE_URL: path.join(dir, 'eval.db'), PAPERBOY_DATA_DIR: dir, PAPERBOY_SECRET: 'eval', LOG_LEVEL: 'silent', PAPERBOY_EMBEDDER: 'bundled' });
const ctx = await createContext(config);
try {
  const started = Date.now();
  const papers: PaperInput[] = abstracts.map((a) => ({
    id: idOf(a.paper_id),
    version: 1,
    title: a.title,
    abstract: a.abstract_sentences.map((s) => s.text).join(' '),
    authors: [],
    categories: ['cs.CL'],
    publishedAt: `${a.year || 2000}-01-01T00:00:00Z`,
    updatedAt: `${a.year || 2000}-01-01T00:00:00Z`,
    source: 'eval',
  }));
  await ctx.store.db.transaction().execute((trx) => upsertPapers(trx, papers, new Date().toISOString()));

  const cacheDir = path.join(here, 'out', 'search-cache');
  mkdirSync(cacheDir, { recursive: true });
  const embedder = new CachingEmbedder(new BundledEmbedder(), path.join(cacheDir, 'csfcube-use-lite-512.jsonl'));
  setEmbedder(ctx, embedder);
  const t0 = Date.now();
  await embedPending(ctx, { batch: 32, onProgress: (n) => process.stderr.write(`\rembedded ${n}/${papers.length}`) });
  process.stderr.write(`\nembedding: ${embedder.misses} computed, ${embedder.hits} from cache, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);

  const modes: SearchMode[] = ['keyword', 'semantic', 'hybrid'];
  const corpus: Record<string, { ndcg10: number[]; recall20: number[] }> = {};
  const pool: Record<string, { ndcg20pct: number[]; map: number[] }> = {};
  for (const m of modes) {
    corpus[m] = { ndcg10: [], recall20: [] };
    pool[m] = { ndcg20pct: [], map: [] };
  }
  const index = searchIndexOf(ctx);
  const model = { name: embedder.name, dims: 512 };
  const times: number[] = [];
  for (const q of queries) {
    const a = byPid.get(q.pid)!;
    const labels = facetLabels[q.facet] ?? [];
    const facetText = a.abstract_sentences.filter((s) => labels.includes(s.label)).map((s) => s.text).join(' ') || a.abstract_sentences.map((s) => s.text).join(' ');
    const rels = new Map([...qrels.get(`${q.pid}_${q.facet}`)!.entries()].map(([cand, r]) => [idOf(cand), r]));
    const filters = { categories: [], excludeIds: [idOf(q.pid)] };
    const candIds = new Set(rels.keys());
    const ranked: Record<string, string[]> = {};
    for (const m of modes) {
      const t = performance.now();
      const hits = await moreLikeText(ctx, { title: a.title, abstract: facetText }, { limit: 100, mode: m, filters });
      times.push(performance.now() - t);
      ranked[m] = hits.map((h) => h.paperId);
      corpus[m].ndcg10.push(ndcgAt(ranked[m], rels, 10));
      corpus[m].recall20.push(recallAt(ranked[m], rels, 20));
    }
    // Pool protocol: order the judged candidates; keyword by BM25 rank (unmatched last, in pool
    // order), semantic by exact cosine, hybrid by reciprocal rank fusion of those two orders.
    const kwDeep = (await moreLikeText(ctx, { title: a.title, abstract: facetText }, { limit: 5000, mode: 'keyword', filters })).map((h) => h.paperId);
    const kwPool = [...kwDeep.filter((id) => candIds.has(id)), ...[...candIds].filter((id) => !kwDeep.includes(id))];
    const [qv] = await embedder.embed([`${a.title}. ${facetText}`]);
    const scored: Array<{ id: string; s: number }> = [];
    for (const id of candIds) {
      const v = await index.vectorOf(id, model);
      scored.push({ id, s: v ? v.reduce((s, x, i) => s + x * qv[i], 0) : -1 });
    }
    const semPool = scored.sort((x, y) => y.s - x.s).map((x) => x.id);
    const hybPool = fuse([kwPool.map((paperId) => ({ paperId, score: 0 })), semPool.map((paperId) => ({ paperId, score: 0 }))]).map((h) => h.paperId);
    const cut = Math.ceil(candIds.size * 0.2);
    for (const [m, list] of [['keyword', kwPool], ['semantic', semPool], ['hybrid', hybPool]] as const) {
      pool[m].ndcg20pct.push(ndcgAt(list, rels, cut));
      pool[m].map.push(averagePrecision(list, rels));
    }
  }

  const f = (x: number) => x.toFixed(4);
  const lines = [
    `CSFCube (${queries.length} query-facet pairs, ${papers.length} abstracts), model ${embedder.name}, fusion RRF k=60`,
    '',
    '| mode | corpus nDCG@10 | corpus recall@20 | pool NDCG%20 | pool MAP |',
    '| --- | --- | --- | --- | --- |',
    ...modes.map((m) => `| ${m} | ${f(mean(corpus[m].ndcg10))} | ${f(mean(corpus[m].recall20))} | ${f(mean(pool[m].ndcg20pct))} | ${f(mean(pool[m].map))} |`),
    '',
    `median query time over the 4,205-paper store: ${times.sort((x, y) => x - y)[Math.floor(times.length / 2)].toFixed(1)} ms (all modes, query embedding included)`,
    `total run time ${((Date.now() - started) / 1000).toFixed(0)} s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const hybridWins = mean(corpus.hybrid.ndcg10) > mean(corpus.keyword.ndcg10);
  process.stdout.write(`hybrid ${hybridWins ? 'beats' : 'does NOT beat'} keyword on corpus nDCG@10\n`);
} finally {
  await ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
}
