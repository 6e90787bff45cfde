// The engine-neutral search index: what the search engine asks of a database, whichever it is.
// SQLite implements it with FTS5 and sqlite-vec (src/search/sqlite/), PostgreSQL with tsvector and
// pgvector. Only implementations of this interface run search SQL; everything else calls it.
// Every method takes the parsed query (src/search/query.ts), never a user string, and each engine
// quotes every token itself, so no user input is ever engine syntax.
import type { AppContext } from '../context.js';
import type { QueryFilters, TextQuery } from './query.js';

export type IndexSort = 'relevance' | 'date' | 'trending';

export interface IndexFilters extends QueryFilters {
  /** Only papers published at or after this ISO time (digests). */
  since?: string;
  /** Papers never to return (the paper itself in "similar papers"). */
  excludeIds?: string[];
  /** Excluded words or phrases apply as a filter also in filter-only and vector searches. */
  excluded?: string[][];
}

export interface IndexHit {
  paperId: string;
  /** Higher is better. BM25 for keyword hits (negated FTS5 rank), cosine similarity for vectors. */
  score: number;
}

export interface KeywordPage {
  hits: IndexHit[];
  /** Number of matching papers, counted up to `countCap`. */
  total: number;
  /** True when `total` stopped at the cap ("more than 10,000"). */
  capped: boolean;
}

export interface VectorRecord {
  paperId: string;
  vector: Float32Array;
}

export interface VectorModel {
  name: string;
  dims: number;
}

export interface SearchIndex {
  /** Full-text matches with filters, ranked by `sort` ('relevance' is BM25 with field weights). */
  keyword(q: TextQuery, filters: IndexFilters, o: { limit: number; offset: number; sort: IndexSort; countCap?: number }): Promise<KeywordPage>;
  /** Papers matching only filters (no text), ranked by date or trending. */
  browse(filters: IndexFilters, o: { limit: number; offset: number; sort: IndexSort; countCap?: number }): Promise<KeywordPage>;
  /** Nearest neighbours of `vector` (unit length) among papers passing `filters`, best first. */
  vector(vector: Float32Array, model: VectorModel, filters: IndexFilters, k: number, o?: { candidates?: number }): Promise<IndexHit[]>;
  /** Exact nearest neighbours by a full scan (the reference for recall measurements). */
  vectorExact(vector: Float32Array, model: VectorModel, k: number): Promise<IndexHit[]>;
  /** Stores vectors (unit length) and records model and dimension beside each. */
  upsertVectors(records: VectorRecord[], model: VectorModel, now: string): Promise<void>;
  /** The stored vector of a paper for this model, if any. */
  vectorOf(paperId: string, model: VectorModel): Promise<Float32Array | undefined>;
  /** Visible papers that have no vector for this model yet (newest first), with the text to embed. */
  pendingForEmbedding(model: VectorModel, limit: number): Promise<Array<{ paperId: string; text: string }>>;
  /** How many visible papers have a vector for this model, out of how many. */
  vectorCoverage(model: VectorModel): Promise<{ embedded: number; total: number }>;
  /** Titles matching what has been typed so far (search-as-you-type). */
  suggestTitles(q: TextQuery, limit: number): Promise<Array<{ paperId: string; title: string }>>;
  /** Indexed words closest in spelling to `word`, most frequent first (did-you-mean). */
  spellingCandidates(word: string, limit: number): Promise<Array<{ term: string; docs: number }>>;
  /** Number of documents containing the indexed form of `word` (0: unknown word). */
  documentFrequency(word: string): Promise<number>;
  /** Drops quantized copies whose paper was removed; returns how many. */
  pruneVectors(): Promise<number>;
  /** Periodic upkeep of the engine's own structures (the worker calls it); returns what it did. */
  maintain?(): Promise<Record<string, number>>;
  /** Rebuilds the full-text index from the papers table (after a restore or VACUUM). */
  rebuild(): Promise<void>;
  /** Sizes in bytes of the index structures, for `search stats` and the benchmark. */
  sizes(): Promise<Record<string, number>>;
}

type IndexFactory = (ctx: AppContext) => SearchIndex;
const factories: Partial<Record<'sqlite' | 'postgres', IndexFactory>> = {};
const instances = new WeakMap<object, SearchIndex>();

/** Engines register their implementation (the PostgreSQL one registers itself the same way). */
export function registerSearchIndex(kind: 'sqlite' | 'postgres', factory: IndexFactory): void {
  factories[kind] = factory;
}

/** The search index of this context's store (one per store). */
export function searchIndexOf(ctx: AppContext): SearchIndex {
  let index = instances.get(ctx.store);
  if (!index) {
    const factory = factories[ctx.store.kind];
    if (!factory) throw new Error(`no search index implementation for ${ctx.store.kind}`);
    index = factory(ctx);
    instances.set(ctx.store, index);
  }
  return index;
}
