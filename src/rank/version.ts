// When trending scores last changed, for caches of rendered trending lists: a counter that moves
// whenever this process changes scores (seen at once), and the database's change mark, written
// with every score by any process (the worker's full pass, another web process), read at most
// every 250 ms.
import type { AppContext } from '../context.js';
import { scoresChangeMark } from '../store/signals.js';

let version = 0;

export const trendingVersion = (): number => version;
export const bumpTrendingVersion = (): void => {
  version++;
};

/** How long the database's change mark is reused (wall time): the most another process's change stays unseen. */
const MARK_REUSE_MS = 250;
const marks = new WeakMap<AppContext, { value: string; at: number; local: number }>();

/** A string that changes whenever any process changed trending scores (within MARK_REUSE_MS for other processes). */
export async function sharedTrendingVersion(ctx: AppContext): Promise<string> {
  const now = Date.now();
  const seen = marks.get(ctx);
  if (seen && seen.local === version && now - seen.at < MARK_REUSE_MS) return `${version}:${seen.value}`;
  const value = await scoresChangeMark(ctx.store.db);
  marks.set(ctx, { value, at: now, local: version });
  return `${version}:${value}`;
}
