// Row types of the trending signals and scores: GitHub repositories and their star history,
// page view counters, and the computed trending scores with their per-term explanation.
import type { Generated } from 'kysely';

export interface GithubReposTable {
  full_name: string; // owner/name as linked (lower-cased)
  canonical_name: string | null; // after renames/redirects
  etag: string | null;
  stars: number | null;
  status: string; // ok | not_found | error
  checked_at: string | null;
  next_check_at: string;
}

export interface StarSamplesTable {
  full_name: string;
  at: string;
  stars: number;
}

export interface PaperViewsTable {
  paper_id: string;
  day: string;
  count: number;
}

export interface TrendingScoresTable {
  paper_id: string;
  score: number; // the week window (the default); other parts read this column
  score_day: Generated<number>; // added by 0400_trending_windows
  score_month: Generated<number>; // added by 0400_trending_windows
  terms: string; // JSON: the signal values of each window (see src/rank/formula.ts StoredSignals)
  computed_at: string;
}

export interface SignalTables {
  github_repos: GithubReposTable;
  star_samples: StarSamplesTable;
  paper_views: PaperViewsTable;
  trending_scores: TrendingScoresTable;
}
