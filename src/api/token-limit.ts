// The per-token API rate limit: a fixed one-minute window per token, on top of the site-wide per-IP
// limit (@fastify/rate-limit, which counts every request of an address across all routes). Keyed by
// the token's hash, so a script keeps its budget when its address changes, and the clock is the
// context's, so tests can move time.
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';

const WINDOW_MS = 60_000;

export class TokenLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  /** Counts one request of `key`; throws a 429 AppError (with retryAfter seconds) past the limit. */
  take(key: string): void {
    const now = this.clock.now().getTime();
    let w = this.windows.get(key);
    if (!w || now - w.start >= WINDOW_MS) {
      if (this.windows.size > 100_000) this.sweep(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count > this.perMinute) {
      const retryAfter = Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
      throw new AppError('rate_limited', `Too many requests with this token. Try again in ${retryAfter} seconds.`, { retryAfter });
    }
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(key);
  }
}
