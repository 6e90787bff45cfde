// Abuse limits on the community actions (sign-in, submit, comment, upvote), per account and per IP.
// Fixed windows kept in memory per process: enough for one server; behind several web processes each
// enforces its own share, which still bounds abuse. Time comes from the injected clock.
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';

export type LimitedAction = 'signin' | 'submit' | 'comment' | 'upvote';

/** [max events, window in ms] per account and per IP. Generous for people, tight for scripts. */
export const LIMITS: Record<LimitedAction, { perAccount: [number, number]; perIp: [number, number] }> = {
  signin: { perAccount: [5, 15 * 60_000], perIp: [20, 15 * 60_000] },
  submit: { perAccount: [30, 60 * 60_000], perIp: [60, 60 * 60_000] },
  comment: { perAccount: [20, 10 * 60_000], perIp: [60, 10 * 60_000] },
  upvote: { perAccount: [120, 60_000], perIp: [300, 60_000] },
};

interface Window {
  start: number;
  count: number;
}

const state = new WeakMap<AppContext, Map<string, Window>>();

function hit(ctx: AppContext, key: string, [max, ms]: [number, number]): number {
  let windows = state.get(ctx);
  if (!windows) state.set(ctx, (windows = new Map()));
  const now = ctx.clock.now().getTime();
  let w = windows.get(key);
  if (!w || now - w.start >= ms) {
    if (windows.size > 50_000) windows.clear(); // bound memory under a flood of distinct keys
    w = { start: now, count: 0 };
    windows.set(key, w);
  }
  w.count++;
  return w.count > max ? Math.ceil((w.start + ms - now) / 1000) : 0;
}

/**
 * Counts one `action` for the account (user id or e-mail address) and the IP; throws a 429
 * AppError naming the wait when either is over its limit.
 */
export function enforceLimit(ctx: AppContext, action: LimitedAction, who: { account?: string | number | null; ip?: string | null }): void {
  const limits = LIMITS[action];
  let wait = 0;
  if (who.account !== undefined && who.account !== null) wait = Math.max(wait, hit(ctx, `${action}:a:${who.account}`, limits.perAccount));
  if (who.ip) wait = Math.max(wait, hit(ctx, `${action}:i:${who.ip}`, limits.perIp));
  if (wait > 0) {
    const minutes = wait > 90 ? `${Math.ceil(wait / 60)} minutes` : `${wait} seconds`;
    throw new AppError('rate_limited', `You are doing that too often. Try again in ${minutes}.`, { retryAfter: wait });
  }
}
