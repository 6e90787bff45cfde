// Why a paper is trending: each term of the published formula with its value and contribution,
// recomputed from the stored signals with the configured weights (so it always matches the score).
import type { AppContext } from '../context.js';
import { getScoreRow } from '../store/signals.js';
import { getPaper } from '../store/papers.js';
import { type WindowName, WINDOW_NAMES, decodeSignals, scoreTerms } from './formula.js';
import { weightsOf } from './recompute.js';

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
  /** The window explained (week unless asked). */
  window?: WindowName;
  /** The half-life of the time decay, in hours. */
  halfLifeHours?: number;
}

/** The explanation of a visible paper's score in a window; null for unknown or hidden papers and papers without signals. */
export async function explainTrending(ctx: AppContext, paperId: string, window: WindowName = 'week'): Promise<TrendingExplanation | null> {
  if (!WINDOW_NAMES.includes(window)) window = 'week';
  const [row, paper] = await Promise.all([getScoreRow(ctx.store.db, paperId), getPaper(ctx.store.db, paperId)]);
  if (!row || !paper || paper.hidden) return null;
  const { signals } = decodeSignals(row.terms);
  const { score, terms } = scoreTerms(signals[window], weightsOf(ctx));
  return { score, terms, computedAt: row.computed_at, window, halfLifeHours: ctx.config.PAPERBOY_TRENDING_HALF_LIFE_HOURS };
}
