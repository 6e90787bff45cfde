// Called by whoever changes a paper's signals (upvote, comment, stars), so trending updates
// incrementally: the paper's score is recomputed right away, a few indexed reads and one write,
// which puts a new upvote on /trending before the voter's page has reloaded.
import type { AppContext } from '../context.js';
import { recomputePaper } from './recompute.js';
import { bumpTrendingVersion } from './version.js';

export async function paperSignalsChanged(ctx: AppContext, paperId: string): Promise<void> {
  try {
    await recomputePaper(ctx, paperId);
    bumpTrendingVersion();
  } catch (err) {
    // The vote or comment itself is already stored; the periodic full pass will catch up, so a
    // failure here must not turn the user's action into an error.
    ctx.log.warn({ err, paperId }, 'incremental trending update failed');
  }
}
