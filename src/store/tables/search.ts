// Row types of the search index bookkeeping. The full-text and vector indexes themselves are
// engine-specific (FTS5/sqlite-vec, tsvector/pgvector) and live in src/search.
export interface EmbeddingStateTable {
  paper_id: string;
  model: string; // model name; a change of model means re-embedding
  dims: number;
  embedded_at: string;
}

export interface SearchTables {
  embedding_state: EmbeddingStateTable;
}
