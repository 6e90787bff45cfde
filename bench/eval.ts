// `npm run eval -- search [--fresh]`: search quality on CSFCube (graded relevance 0-3, 50 query-facet
// pairs over 4,205 computer-science abstracts; see ../shared/fixtures/relevance/csfcube/PROVENANCE.md).
//
// Each query is a paper's title plus the sentences of the judged facet (CSFCube is query by
// example). The engine is the product's own: papers go into a fresh SQLite store through
// upsertPapers (FTS5 triggers), vectors through embedPending (the worker's path) with the bundled
// model, queries through moreLikeText (keyword: BM25 over the query's distinctive words; semantic:
// the query's embedding; hybrid: the product's fusion of both, fuseHybrid).
//
// Two protocols are reported:
//   corpus  retrieval over all 4,205 papers (the query paper itself excluded): nDCG@10, recall@20
//   pool    CSFCube's own protocol, re-ranking each query's judged pool: NDCG%20, MAP
// "Relevant" for recall and MAP means adjudicated relevance >= 2; nDCG uses gain 2^rel - 1.
// Vectors are cached in bench/out/search-cache/ (keyed by model and text hash) so that a rerun does
// not embed 4,205 abstracts again; --fresh ignores the cache. --cached-only evaluates on the papers
// whose vectors are cached and on the queries whose whole judged pool is among them (for a machine
// too busy to embed all 4,205 abstracts in one sitting); the output says so.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { FUSION_WEIGHTS, fuse, fuseHybrid, fuseScores, type SearchMode } from '../src/search/search.js';
import { type IndexHit, searchIndexOf } from '../src/search/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.resolve(here, '..', '..', 'shared', 'fixtures', 'relevance', 'csfcube');
const args = process.argv.slice(2);
const what = args[0];
if (what !== 'search') {
  process.stderr.write('usage: npm run eval -- search [--fresh]\n');
  process.exit(2);
}
const fresh = args.includes('--fresh');
const cachedOnly = args.includes('--cached-only');

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
    if (!fresh) {
      // The main file and any part files written by earlier or parallel runs.
      const prefix = path.basename(file, '.jsonl');
      for (const f of readdirSync(path.dirname(file)).filter((x) => x.startsWith(prefix) && x.endsWith('.jsonl'))) {
        for (const line of readFileSync(path.join(path.dirname(file), f), 'utf8').split('\n')) {
          if (!line) continue;
          const { h, v } = JSON.parse(line) as { h: string; v: string };
          const buf = Buffer.from(v, 'base64');
          this.cache.set(h, new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
        }
      }
      if (!existsSync(file)) writeFileSync(file, '');
    } else writeFileSync(file, '');
  }
  has = (t: string) => this.cache.has(this.key(t));
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
let queries = readFileSync(path.join(dataDir, 'queries-release.csv'), 'utf8')
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
  const cacheDir = path.join(here, 'out', 'search-cache');
  mkdirSync(cacheDir, { recursive: true });
  const embedder = new CachingEmbedder(new BundledEmbedder(), path.join(cacheDir, 'csfcube-use-lite-512.jsonl'));
  const textOf = (a: Abstract) => `${a.title}. ${a.abstract_sentences.map((s) => s.text).join(' ')}`;
  let subset = abstracts;
  if (cachedOnly) {
    subset = abstracts.filter((a) => embedder.has(textOf(a)));
    const inSubset = new Set(subset.map((a) => a.paper_id));
    queries = queries.filter((q) => inSubset.has(q.pid) && [...qrels.get(`${q.pid}_${q.facet}`)!.keys()].every((c) => inSubset.has(c)));
    process.stderr.write(`--cached-only: ${subset.length} of ${abstracts.length} papers, ${queries.length} query-facet pairs with complete pools\n`);
  }
  const papers: PaperInput[] = subset.map((a) => ({
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
  // Per query: its split fold, judgments and both rankings, for the fusion-weight sweep below.
  const perQuery: Array<{ key: string; rels: Map<string, number>; kw: string[]; sem: string[]; kwHits: IndexHit[]; semHits: IndexHit[]; kwPool: string[]; semPool: string[]; cut: number }> = [];
  const model = { name: embedder.name, dims: 512 };
  const times: number[] = [];
  const vecRecall: number[] = [];
  for (const q of queries) {
    const a = byPid.get(q.pid)!;
    const labels = facetLabels[q.facet] ?? [];
    const facetText = a.abstract_sentences.filter((s) => labels.includes(s.label)).map((s) => s.text).join(' ') || a.abstract_sentences.map((s) => s.text).join(' ');
    const rels = new Map([...qrels.get(`${q.pid}_${q.facet}`)!.entries()].map(([cand, r]) => [idOf(cand), r]));
    const filters = { categories: [], excludeIds: [idOf(q.pid)] };
    const candIds = new Set(rels.keys());
    const ranked: Record<string, string[]> = {};
    const rawHits: Record<string, IndexHit[]> = {};
    for (const m of modes) {
      const t = performance.now();
      const hits = await moreLikeText(ctx, { title: a.title, abstract: facetText }, { limit: 100, mode: m, filters });
      times.push(performance.now() - t);
      ranked[m] = hits.map((h) => h.paperId);
      rawHits[m] = hits;
      corpus[m].ndcg10.push(ndcgAt(ranked[m], rels, 10));
      corpus[m].recall20.push(recallAt(ranked[m], rels, 20));
    }
    // Pool protocol: order the judged candidates; keyword by BM25 rank (unmatched last, in pool
    // order), semantic by exact cosine, hybrid by the product's fusion of those scores.
    const kwDeepHits = (await moreLikeText(ctx, { title: a.title, abstract: facetText }, { limit: 5000, mode: 'keyword', filters })).filter((h) => candIds.has(h.paperId));
    const kwDeep = kwDeepHits.map((h) => h.paperId);
    const kwPool = [...kwDeep, ...[...candIds].filter((id) => !kwDeep.includes(id))];
    const [qv] = await embedder.embed([`${a.title}. ${facetText}`]);
    const scored: Array<{ id: string; s: number }> = [];
    for (const id of candIds) {
      const v = await index.vectorOf(id, model);
      scored.push({ id, s: v ? v.reduce((s, x, i) => s + x * qv[i], 0) : -1 });
    }
    const semPool = scored.sort((x, y) => y.s - x.s).map((x) => x.id);
    // Recall of the quantized prefilter + rescoring on these real vectors, against an exact scan.
    const approx = new Set((await index.vector(qv, model, { categories: [] }, 20)).map((h) => h.paperId));
    const exactTop = (await index.vectorExact(qv, model, 20)).map((h) => h.paperId);
    vecRecall.push(exactTop.filter((id) => approx.has(id)).length / exactTop.length);
    const fusedPool = fuseHybrid(kwDeepHits, scored.map((x) => ({ paperId: x.id, score: x.s })));
    const hybPool = [...fusedPool.map((h) => h.paperId), ...[...candIds].filter((id) => !fusedPool.some((h) => h.paperId === id))];
    const cut = Math.ceil(candIds.size * 0.2);
    perQuery.push({ key: `${q.pid}_${q.facet}`, rels, kw: ranked.keyword, sem: ranked.semantic, kwHits: rawHits.keyword, semHits: rawHits.semantic, kwPool, semPool, cut });
    for (const [m, list] of [['keyword', kwPool], ['semantic', semPool], ['hybrid', hybPool]] as const) {
      pool[m].ndcg20pct.push(ndcgAt(list, rels, cut));
      pool[m].map.push(averagePrecision(list, rels));
    }
  }

  // Fusion weight of the vector ranking: swept, chosen on one CSFCube dev fold and scored on the
  // matching test fold (the dataset's own splits), both ways; the product uses FUSION_WEIGHTS.
  const splits = JSON.parse(readFileSync(path.join(dataDir, 'evaluation_splits.json'), 'utf8')) as { all: Record<string, string[]> };
  const asHits = (ids: string[]) => ids.map((paperId) => ({ paperId, score: 0 }));
  const hybRrf = (pq: (typeof perQuery)[number], w: number) => fuse([asHits(pq.kw), asHits(pq.sem)], [1, w]).map((h) => h.paperId);
  const hybScore = (pq: (typeof perQuery)[number], w: number) => fuseScores([pq.kwHits, pq.semHits], [1, w]).map((h) => h.paperId);
  let hyb = hybRrf;
  const grid = [0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 1, 1.5];
  type Choice = { how: 'rrf' | 'score'; w: number };
  const run = (pq: (typeof perQuery)[number], c: Choice) => (c.how === 'rrf' ? hybRrf(pq, c.w) : hybScore(pq, c.w));
  const choices: Choice[] = [...grid.map((w) => ({ how: 'rrf' as const, w })), ...grid.map((w) => ({ how: 'score' as const, w }))];
  const score = (keys: Set<string>, c: Choice) => mean(perQuery.filter((pq) => keys.has(pq.key)).map((pq) => ndcgAt(run(pq, c), pq.rels, 10)));
  const cv: string[] = [];
  const cvTest: number[] = [];
  const cvKeyword: number[] = [];
  for (const fold of ['fold1', 'fold2']) {
    const dev = new Set(splits.all[`${fold}_dev`]);
    const test = new Set(splits.all[`${fold}_test`]);
    const inTest = perQuery.filter((pq) => test.has(pq.key));
    if (!perQuery.some((pq) => dev.has(pq.key)) || !inTest.length) continue;
    const best = choices.reduce((b, c) => (score(dev, c) > score(dev, b) ? c : b), choices[0]);
    cvTest.push(score(test, best));
    cvKeyword.push(mean(inTest.map((pq) => ndcgAt(pq.kw, pq.rels, 10))));
    cv.push(`${fold}: ${best.how} fusion, vector weight ${best.w} chosen on ${perQuery.filter((pq) => dev.has(pq.key)).length} dev queries; on ${inTest.length} test queries hybrid nDCG@10 ${score(test, best).toFixed(4)} vs keyword ${cvKeyword.at(-1)!.toFixed(4)}`);
  }
  const sweep = grid.map((w) => `${w}: ${mean(perQuery.map((pq) => ndcgAt(hyb(pq, w), pq.rels, 10))).toFixed(4)}`).join(', ');
  hyb = hybScore;
  const sweepScore = grid.map((w) => `${w}: ${mean(perQuery.map((pq) => ndcgAt(hyb(pq, w), pq.rels, 10))).toFixed(4)}`).join(', ');
  hyb = hybRrf;

  const f = (x: number) => x.toFixed(4);
  const lines = [
    `CSFCube (${queries.length} query-facet pairs, ${papers.length} abstracts${cachedOnly ? `: SUBSET, the papers whose vectors were computed in time and the queries whose whole judged pool is among them` : ''}), model ${embedder.name}, hybrid = score fusion, vector weight ${FUSION_WEIGHTS[1]}`,
    '',
    '| mode | corpus nDCG@10 | corpus recall@20 | pool NDCG%20 | pool MAP |',
    '| --- | --- | --- | --- | --- |',
    ...modes.map((m) => `| ${m} | ${f(mean(corpus[m].ndcg10))} | ${f(mean(corpus[m].recall20))} | ${f(mean(pool[m].ndcg20pct))} | ${f(mean(pool[m].map))} |`),
    '',
    `hybrid is the product's fuseHybrid: min-max score fusion, weights keyword ${FUSION_WEIGHTS[0]}, vector ${FUSION_WEIGHTS[1]} (src/search/search.ts)`,
    `corpus nDCG@10 of hybrid by vector weight (all queries; for reading, not for choosing): RRF ${sweep}`,
    `  score fusion (min-max normalised, convex): ${sweepScore}`,
    ...cv.map((l) => `cross-validated on the CSFCube splits, ${l}`),
    cvTest.length ? `cross-validated mean over the test folds: hybrid ${mean(cvTest).toFixed(4)} vs keyword ${mean(cvKeyword).toFixed(4)}` : '',
    `vector index recall@20 on these real ${embedder.name} vectors (1-bit prefilter + rescoring vs exact scan, ${vecRecall.length} queries): ${mean(vecRecall).toFixed(3)}`,
    '',
    `median query time over the ${papers.length.toLocaleString('en')}-paper store: ${times.sort((x, y) => x - y)[Math.floor(times.length / 2)].toFixed(1)} ms (all modes, query embedding included)`,
    `total run time ${((Date.now() - started) / 1000).toFixed(0)} s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const hybridWins = mean(corpus.hybrid.ndcg10) > mean(corpus.keyword.ndcg10);
  process.stdout.write(`hybrid ${hybridWins ? 'beats' : 'does NOT beat'} keyword on corpus nDCG@10\n`);
} finally {
  await ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
}
