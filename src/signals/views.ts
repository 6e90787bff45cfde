// Page views: per-paper, per-day counters; no record of who viewed. Bots are not counted.
// (Placeholder until the trending issue lands; the signature is what the paper page calls.)
import type { AppContext } from '../context.js';

export async function recordView(_ctx: AppContext, _paperId: string, _userAgent: string | undefined): Promise<void> {}
