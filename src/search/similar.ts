// Similar papers: nearest neighbours by vector; a paper without a vector yet (or a server without
// an embedder) gets full-text neighbours instead, from its most distinctive title and abstract words.
import type { AppContext } from '../context.js';
import { type Paper, getPaper, getPapers } from '../store/papers.js';
import { embedderOf } from './embedder.js';
import './engines.js';
import { type IndexFilters, type IndexHit, type SearchIndex, searchIndexOf } from './index.js';
import { fuseHybrid, type SearchMode } from './search.js';
import { STOPWORDS, type TextQuery, words } from './query.js';

export async function similarPapers(ctx: AppContext, paperId: string, limit: number): Promise<Paper[]> {
  const paper = await getPaper(ctx.store.db, paperId);
  if (!paper || limit <= 0) return [];
  const index = searchIndexOf(ctx);
  const hits = await similarHits(ctx, index, paper, limit);
  return (await getPapers(ctx.store.db, hits.map((h) => h.paperId))).filter((p) => !p.hidden).slice(0, limit);
}

async function similarHits(ctx: AppContext, index: SearchIndex, paper: Paper, limit: number): Promise<IndexHit[]> {
  const embedder = embedderOf(ctx);
  if (embedder) {
    const model = { name: embedder.name, dims: 0 };
    const vector = await index.vectorOf(paper.id, model);
    if (vector) return index.vector(vector, { ...model, dims: vector.length }, { categories: [], excludeIds: [paper.id] }, limit);
  }
  const q = await moreLikeThisQuery(index, paper);
  if (!q) return [];
  return (await index.keyword(q, { categories: [], excludeIds: [paper.id] }, { limit, offset: 0, sort: 'relevance' })).hits;
}


/** A full-text query of the paper's rarest meaningful words, any of which may match. */
export async function moreLikeThisQuery(index: SearchIndex, paper: Pick<Paper, 'title' | 'abstract'>, maxTerms = 12): Promise<TextQuery | undefined> {
  const title = new Set(words(paper.title));
  const counts = new Map<string, number>();
  for (const w of words(`${paper.title} ${paper.abstract}`)) {
    if (w.length < 3 || STOPWORDS.has(w) || /^\d+$/.test(w)) continue;
    counts.set(w, (counts.get(w) ?? 0) + (title.has(w) ? 3 : 1));
  }
  const candidates = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40);
  const scored: Array<{ w: string; s: number }> = [];
  for (const [w, tf] of candidates) {
    const df = await index.documentFrequency(w);
    if (df <= 1) continue; // only this paper has it: finds nothing else
    scored.push({ w, s: tf * Math.log(1 + 1000 / df) });
  }
  const terms = scored
    .sort((a, b) => b.s - a.s)
    .slice(0, maxTerms)
    .map((x) => x.w);
  if (!terms.length) return undefined;
  return { terms, phrases: [], excluded: [], authors: [], match: 'any' };
}

/**
 * "More like this" for any text (a pasted abstract, a paper's own text): its distinctive words
 * through full text, its embedding through the vector index, fused like a hybrid search.
 */
export async function moreLikeText(
  ctx: AppContext,
  doc: Pick<Paper, 'title' | 'abstract'>,
  o: { limit: number; mode?: SearchMode; filters?: IndexFilters; maxTerms?: number },
): Promise<IndexHit[]> {
  const index = searchIndexOf(ctx);
  const filters = o.filters ?? { categories: [] };
  const mode = o.mode ?? 'hybrid';
  const keyword = async () => {
    const q = await moreLikeThisQuery(index, doc, o.maxTerms ?? 20);
    return q ? (await index.keyword(q, filters, { limit: o.limit, offset: 0, sort: 'relevance', countCap: o.limit })).hits : [];
  };
  const vector = async () => {
    const embedder = embedderOf(ctx);
    if (!embedder) return [];
    const [v] = await embedder.embed([`${doc.title}. ${doc.abstract}`]);
    return index.vector(v, { name: embedder.name, dims: v.length }, filters, o.limit);
  };
  if (mode === 'keyword') return keyword();
  if (mode === 'semantic') return vector();
  const [k, v] = await Promise.all([keyword(), vector()]);
  return fuseHybrid(k, v).slice(0, o.limit);
}
