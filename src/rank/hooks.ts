// Called by whoever changes a paper's signals (upvote, comment, stars), so trending updates
// incrementally. (Placeholder until the trending issue lands; the signature is what callers use.)
import type { AppContext } from '../context.js';

export async function paperSignalsChanged(_ctx: AppContext, _paperId: string): Promise<void> {}
