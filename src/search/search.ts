// The search entry point every caller uses (pages, API, feeds, digests' topics): parses the query,
// runs full text and vectors through the engine's SearchIndex, fuses them, loads the papers.
// Hybrid ranking fuses BM25 and vector scores (fuseHybrid); filters apply inside both searches,
// before ranking. Without vectors (model off, loading, or nothing embedded yet) every
// mode degrades to full text and says so in `notice`.
import type { AppContext } from '../context.js';
import { parseArxivId } from '../ingest/arxiv-id.js';
import { type Paper, getPapers } from '../store/papers.js';
import { embedderOf } from './embedder.js';
import './engines.js';
import { highlight, markerOf, snippet } from './highlight.js';
import { moreLikeText } from './similar.js';
import { type IndexFilters, type IndexHit, type VectorModel, searchIndexOf } from './index.js';
import { type ParsedQuery, anyWords, hasFilters, hasText, parseQuery, withoutChip, words } from './query.js';

export type SearchMode = 'hybrid' | 'keyword' | 'semantic';
export type SearchSort = 'relevance' | 'date' | 'trending';

export interface SearchOptions {
  limit: number;
  offset?: number;
  mode?: SearchMode;
  sort?: SearchSort;
  /** Only papers published at or after this ISO time (digests). */
  since?: string;
  /** Leave out highlights (API callers that render their own). */
  noHighlights?: boolean;
  /** Wait for the embedding model to load instead of answering from full text meanwhile (CLI, evaluation). */
  waitForModel?: boolean;
}

export interface SearchHit {
  paper: Paper;
  score: number;
  /** Title and abstract with matches wrapped in <mark>, already escaped (safe HTML). */
  highlights?: { title: string; abstract: string };
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  /** True when `total` is a lower bound (counting stops at COUNT_CAP). */
  capped?: boolean;
  /** The mode that actually ran (hybrid asked without vectors runs as keyword). */
  mode?: SearchMode;
  /** Why results are degraded, in words for the page ("semantic ranking is still loading"). */
  notice?: string;
  /** Set when every word could not be matched and results match some of the words instead. */
  relaxed?: boolean;
  /** The canonical arXiv id when the query is an arXiv id or URL. */
  arxivId?: string;
  parsed?: ParsedQuery;
}

const RRF_K = 60;
/**
 * How hybrid search combines full text and vectors: score fusion (fuseScores) with the vector side
 * at a quarter of the weight. Measured on CSFCube (bench/eval.ts, bench/results/eval.md): the
 * bundled model's cosines are a much weaker signal than BM25 on scientific text, so with equal
 * weight or with rank fusion they pull good keyword hits down; a small weight re-orders the keyword
 * hits and adds close neighbours that miss the words. A stronger model (PAPERBOY_EMBEDDER=openai)
 * may deserve more weight.
 */
export const FUSION_WEIGHTS: [keyword: number, vector: number] = [1, 0.25];

/** The hybrid fusion of a keyword list and a vector list. */
export function fuseHybrid(keyword: IndexHit[], vector: IndexHit[]): IndexHit[] {
  return fuseScores([keyword, vector], FUSION_WEIGHTS);
}
/** Candidates each side contributes to fusion; deeper pages fuse deeper lists. */
const FUSION_DEPTH = 100;
const MAX_OFFSET = 1000;
/** Counting stops here: pages go no deeper, and counting a million matches would cost more than the search. */
export const COUNT_CAP = 1000;

export async function searchPapers(ctx: AppContext, query: string, opts: SearchOptions): Promise<SearchResult> {
  const limit = Math.max(0, Math.min(200, Math.floor(opts.limit)));
  const offset = Math.max(0, Math.min(MAX_OFFSET, Math.floor(opts.offset ?? 0)));
  const sort: SearchSort = opts.sort ?? 'relevance';
  const requested: SearchMode = opts.mode ?? 'hybrid';
  const index = searchIndexOf(ctx);

  const arxiv = parseArxivId(query);
  if (arxiv) {
    const papers = (await getPapers(ctx.store.db, [arxiv.id])).filter((p) => !p.hidden);
    return { total: papers.length, hits: papers.map((paper) => ({ paper, score: 1 })), mode: 'keyword', arxivId: arxiv.id };
  }

  const parsed = parseQuery(query);
  const filters: IndexFilters = { ...parsed.filters, since: opts.since };
  if (parsed.like) {
    // More like this: the paper's own text as the query, the paper itself left out.
    const paper = (await getPapers(ctx.store.db, [parsed.like]))[0];
    if (!paper) return { total: 0, hits: [], mode: requested, parsed };
    const embedded = requested !== 'keyword' && !!embedderOf(ctx) && (await coverage(ctx, embedderOf(ctx)!.name)).embedded > 0;
    const mode: SearchMode = embedded ? requested : 'keyword';
    const hits = await moreLikeText(ctx, paper, { limit: Math.min(offset + limit, 200), mode, filters: { ...filters, excluded: parsed.text.excluded, excludeIds: [paper.id] } });
    return finish(ctx, parsed, hits.slice(offset), hits.length, { mode, noHighlights: true });
  }
  if (!hasText(parsed) && !hasFilters(parsed) && !parsed.text.excluded.length) return { total: 0, hits: [], mode: requested, parsed };

  // Filters only ("cat:cs.CL year:2024"): a listing, no ranking by text.
  if (!hasText(parsed)) {
    const page = await index.browse({ ...filters, excluded: parsed.text.excluded }, { limit, offset, sort, countCap: COUNT_CAP });
    return finish(ctx, parsed, page.hits, page.total, { capped: page.capped, mode: 'keyword', noHighlights: opts.noHighlights });
  }

  // Sorting by date or trending lists word matches only, so the query needs no embedding then.
  const wantVectors = sort === 'relevance' && requested !== 'keyword';
  // The query is embedded in the model's thread while BM25 runs here: neither waits for the other.
  const semanticPromise = semanticSide(ctx, parsed, wantVectors ? requested : 'keyword', opts.waitForModel ?? false);
  let relaxed = false;
  const keyword = async (lim: number, off: number, s: SearchSort) => {
    let page = await index.keyword(parsed.text, filters, { limit: lim, offset: off, sort: s, countCap: COUNT_CAP });
    const any = anyWords(parsed.text);
    if (page.total === 0 && any && parsed.text.terms.length + parsed.text.phrases.length > 1) {
      // Nothing has every word: show what has some of them, best first, and say so.
      page = await index.keyword(any, filters, { limit: lim, offset: off, sort: s, countCap: COUNT_CAP });
      relaxed = page.total > 0;
    }
    return page;
  };

  if (!wantVectors) {
    const semantic = await semanticPromise;
    const page = await keyword(limit, offset, sort);
    return finish(ctx, parsed, page.hits, page.total, { capped: page.capped, mode: 'keyword', relaxed, notice: semantic.notice, noHighlights: opts.noHighlights });
  }

  const depth = Math.max(FUSION_DEPTH, offset + limit);
  // BM25 starts on the next turn of the event loop, once the embedding request has been posted.
  const kwPromise = requested === 'hybrid' ? new Promise((resolve) => setImmediate(resolve)).then(() => keyword(depth, 0, 'relevance')) : undefined;
  const semantic = await semanticPromise;
  if (!semantic.vector) {
    // No vectors after all: the keyword list already fetched serves the page.
    const kw = kwPromise ? await kwPromise : await keyword(depth, 0, 'relevance');
    return finish(ctx, parsed, kw.hits.slice(offset, offset + limit), kw.total, { capped: kw.capped, mode: 'keyword', relaxed, notice: semantic.notice, noHighlights: opts.noHighlights });
  }
  const mode = requested;
  const excludedFilters = { ...filters, excluded: parsed.text.excluded };
  if (mode === 'semantic') {
    const hits = await index.vector(semantic.vector, semantic.model!, excludedFilters, offset + limit);
    return finish(ctx, parsed, hits.slice(offset), hits.length, { mode, noHighlights: opts.noHighlights });
  }

  const [kw, vec] = await Promise.all([kwPromise!, index.vector(semantic.vector, semantic.model!, excludedFilters, depth)]);
  const fused = fuseHybrid(kw.hits, vec);
  return finish(ctx, parsed, fused.slice(offset, offset + limit), Math.max(kw.total, fused.length), {
    capped: kw.capped,
    mode,
    relaxed,
    noHighlights: opts.noHighlights,
  });
}

/** Reciprocal rank fusion: each list adds 1/(k + rank) for the papers it ranks. */
export function fuse(lists: IndexHit[][], weights: number[] = lists.map(() => 1)): IndexHit[] {
  const scores = new Map<string, number>();
  lists.forEach((list, li) => {
    list.forEach((hit, rank) => scores.set(hit.paperId, (scores.get(hit.paperId) ?? 0) + weights[li] / (RRF_K + rank + 1)));
  });
  return [...scores.entries()].sort((a, b) => b[1] - a[1]).map(([paperId, score]) => ({ paperId, score }));
}

/**
 * Convex combination of min-max normalised scores: each list's best hit scores 1 and its worst 0
 * (a paper missing from a list gets 0 there). Unlike RRF it keeps how far apart the hits are,
 * which matters when one side (here the bundled model's cosines) is much weaker than the other.
 */
export function fuseScores(lists: IndexHit[][], weights: number[] = lists.map(() => 1)): IndexHit[] {
  const scores = new Map<string, number>();
  lists.forEach((list, li) => {
    if (!list.length) return;
    let lo = Infinity;
    let hi = -Infinity;
    for (const h of list) {
      lo = Math.min(lo, h.score);
      hi = Math.max(hi, h.score);
    }
    const span = hi - lo;
    // A list of equal scores (one hit, say) gives each its full weight rather than none.
    for (const h of list) scores.set(h.paperId, (scores.get(h.paperId) ?? 0) + weights[li] * (span > 0 ? (h.score - lo) / span : 1));
  });
  return [...scores.entries()].sort((a, b) => b[1] - a[1]).map(([paperId, score]) => ({ paperId, score }));
}

interface SemanticSide {
  vector?: Float32Array;
  model?: VectorModel;
  notice?: string;
}

const coverageCache = new WeakMap<object, { at: number; name: string; embedded: number; total: number }>();

/** Vector coverage, cached for a minute (counting a million rows per request is waste). */
export async function coverage(ctx: AppContext, name: string): Promise<{ embedded: number; total: number }> {
  const now = ctx.clock.now().getTime();
  const hit = coverageCache.get(ctx.store);
  if (hit && hit.name === name && now - hit.at < 60_000) return hit;
  const c = await searchIndexOf(ctx).vectorCoverage({ name, dims: 0 });
  coverageCache.set(ctx.store, { at: now, name, ...c });
  return c;
}

async function semanticSide(ctx: AppContext, parsed: ParsedQuery, mode: SearchMode, wait: boolean): Promise<SemanticSide> {
  if (mode === 'keyword') return {};
  const embedder = embedderOf(ctx);
  if (!embedder) return { notice: 'Semantic search is off on this server; results match your words.' };
  const cov = await coverage(ctx, embedder.name);
  if (cov.embedded === 0) return { notice: 'Semantic search starts when papers have been embedded; results match your words for now.' };
  if (!wait && embedder.ready && !embedder.ready()) {
    embedder.warm?.();
    return { notice: 'The semantic model is loading; results match your words for now.' };
  }
  const text = parsed.plain || parsed.text.authors.map((a) => a.join(' ')).join(' ');
  if (!text) return {};
  try {
    const [vector] = await embedder.embed([text]);
    const partial = cov.embedded < cov.total ? `Semantic ranking covers ${cov.embedded.toLocaleString('en')} of ${cov.total.toLocaleString('en')} papers so far.` : undefined;
    return { vector, model: { name: embedder.name, dims: vector.length }, notice: partial };
  } catch (err) {
    ctx.log.warn({ err: (err as Error).message }, 'query embedding failed; full text only');
    return { notice: 'Semantic search is unavailable right now; results match your words.' };
  }
}

async function finish(
  ctx: AppContext,
  parsed: ParsedQuery,
  hits: IndexHit[],
  total: number,
  o: { capped?: boolean; mode: SearchMode; relaxed?: boolean; notice?: string; noHighlights?: boolean },
): Promise<SearchResult> {
  const papers = new Map((await getPapers(ctx.store.db, hits.map((h) => h.paperId))).map((p) => [p.id, p]));
  const marker = markerOf(parsed.text);
  const out: SearchHit[] = [];
  for (const h of hits) {
    const paper = papers.get(h.paperId);
    if (!paper || paper.hidden) continue;
    out.push({
      paper,
      score: h.score,
      highlights: o.noHighlights || !marker.stems.size ? undefined : { title: highlight(paper.title, marker), abstract: snippet(paper.abstract, marker) },
    });
  }
  return { total, hits: out, capped: o.capped, mode: o.mode, relaxed: o.relaxed, notice: o.notice, parsed };
}

export interface NoResultsHelp {
  /** The query with misspelt words replaced by indexed words ("did you mean"). */
  suggestion?: string;
  /** The query without each filter, with how many papers it finds. */
  withoutFilters: Array<{ label: string; query: string; total: number }>;
}

/** Ways out of an empty result page: a spelling suggestion and the filters to drop. */
export async function noResultsHelp(ctx: AppContext, query: string): Promise<NoResultsHelp> {
  const parsed = parseQuery(query);
  const index = searchIndexOf(ctx);
  let suggestion: string | undefined;
  let changed = false;
  let fixed = query;
  for (const word of new Set(parsed.text.terms)) {
    if ((await index.documentFrequency(word)) > 0) continue;
    // The vocabulary holds stems ("residu"), so compare the typed word cut to each stem's length.
    const best = (await index.spellingCandidates(word, 5000))
      .map((c) => ({ ...c, d: Math.min(...[0, 1, 2].map((extra) => editDistance(word.slice(0, c.term.length + extra), c.term))) }))
      .filter((c) => c.d > 0 && c.d <= (word.length <= 4 ? 1 : 2))
      .sort((a, b) => a.d - b.d || b.docs - a.docs)[0];
    if (best) {
      const surface = await surfaceForm(ctx, best.term, word);
      fixed = fixed.replace(new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(word)}(?=$|[^\\p{L}\\p{N}])`, 'iu'), `$1${surface}`);
      changed = true;
    }
  }
  if (changed) suggestion = fixed;
  const withoutFilters: NoResultsHelp['withoutFilters'] = [];
  for (const chip of parsed.chips.slice(0, 6)) {
    const q = withoutChip(query, chip.raw);
    if (!q) continue;
    const r = await searchPapers(ctx, q, { limit: 0, mode: 'keyword', noHighlights: true });
    if (r.total > 0) withoutFilters.push({ label: chip.label, query: q, total: r.total });
  }
  return { suggestion, withoutFilters };
}

/** A word as written in papers for an indexed stem ("residu" -> "residual"), closest to what was typed. */
async function surfaceForm(ctx: AppContext, stem: string, typed: string): Promise<string> {
  const page = await searchIndexOf(ctx).keyword({ terms: [stem], phrases: [], excluded: [], authors: [] }, { categories: [] }, { limit: 12, offset: 0, sort: 'relevance', countCap: 12 });
  const papers = await getPapers(ctx.store.db, page.hits.map((h) => h.paperId));
  const forms = new Set(papers.flatMap((p) => words(`${p.title} ${p.abstract}`)).filter((w) => w.startsWith(stem)));
  return [...forms].sort((a, b) => editDistance(typed, a) - editDistance(typed, b))[0] ?? stem;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Levenshtein distance, small strings only. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Title suggestions for search-as-you-type. */
export async function suggestTitles(ctx: AppContext, query: string, limit = 8): Promise<Array<{ id: string; title: string }>> {
  const parsed = parseQuery(query);
  if (!words(parsed.plain).length) return [];
  const rows = await searchIndexOf(ctx).suggestTitles(parsed.text, limit);
  return rows.map((r) => ({ id: r.paperId, title: r.title }));
}
