// The search entry point every caller uses (pages, API, feeds, digests' topics).
// (Placeholder: a plain substring match until the search issue lands the real engine; the
// signature is what callers rely on.)
import type { AppContext } from '../context.js';
import { type Paper, paperFromRow } from '../store/papers.js';

export type SearchMode = 'hybrid' | 'keyword' | 'semantic';
export type SearchSort = 'relevance' | 'date' | 'trending';

export interface SearchOptions {
  limit: number;
  offset?: number;
  mode?: SearchMode;
  sort?: SearchSort;
  /** Only papers published at or after this ISO time (digests). */
  since?: string;
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
}

export async function searchPapers(ctx: AppContext, query: string, opts: SearchOptions): Promise<SearchResult> {
  const q = `%${query.trim().slice(0, 200)}%`;
  let sel = ctx.store.db
    .selectFrom('papers')
    .selectAll()
    .where('hidden', '=', 0)
    .where((eb) => eb.or([eb('title', 'like', q), eb('abstract', 'like', q)]));
  if (opts.since) sel = sel.where('published_at', '>=', opts.since);
  const rows = await sel
    .orderBy('published_at', 'desc')
    .limit(opts.limit)
    .offset(opts.offset ?? 0)
    .execute();
  return { total: rows.length, hits: rows.map((r) => ({ paper: paperFromRow(r), score: 0 })) };
}
