// A counter that moves whenever this process changes trending scores, so caches of rendered
// trending lists know they are stale at once (other processes' changes reach them by the cache's TTL).
let version = 0;

export const trendingVersion = (): number => version;
export const bumpTrendingVersion = (): void => {
  version++;
};
