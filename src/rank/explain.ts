// Why a paper is trending: each term of the published formula with its value.
// (Placeholder until the trending issue lands; the signature is what pages and the API call.)
import type { AppContext } from '../context.js';

export interface TrendingTerm {
  name: string;
  /** The raw signal (e.g. upvotes in the window). */
  value: number;
  /** What it adds to the score. */
  contribution: number;
  description: string;
}

export interface TrendingExplanation {
  score: number;
  terms: TrendingTerm[];
  computedAt: string;
}

export async function explainTrending(_ctx: AppContext, _paperId: string): Promise<TrendingExplanation | null> {
  return null;
}
