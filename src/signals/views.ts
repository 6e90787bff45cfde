// Page views: per-paper, per-day counters; no record of who viewed. Bots are not counted.
// The paper page calls recordView on every view, so views are added up in memory and written in
// one batch of upserts every few seconds (or sooner when many are pending); a crash loses at most
// those few seconds of views, which a trending signal can afford.
import type { AppContext } from '../context.js';
import { dayOf } from '../clock.js';
import { addViews } from '../store/signals.js';

const FLUSH_AFTER_MS = 5_000;
const FLUSH_AT_PENDING = 1_000;

// Crawlers, link previewers, monitors, HTTP libraries and headless browsers announce themselves.
const BOT = /bot|crawl|spider|slurp|scrap|fetch|preview|monitor|uptime|check|curl|wget|httpie|python|java\/|go-http|okhttp|axios|node-fetch|undici|libwww|headless|phantom|lighthouse|facebookexternalhit|embedly|whatsapp|telegram|discord|slack|feed|rss/i;

const decided = new Map<string, boolean>();

/** True for user agents that are not a person reading (missing ones included). */
export function isBot(userAgent: string | undefined): boolean {
  if (!userAgent || userAgent.length < 10) return true;
  // The pattern is long and most views come from a few browsers: each user agent is tested once.
  let bot = decided.get(userAgent);
  if (bot === undefined) {
    bot = BOT.test(userAgent);
    if (decided.size >= 1_000) decided.clear();
    decided.set(userAgent, bot);
  }
  return bot;
}

interface Pending {
  counts: Map<string, number>; // "day\u0000paperId" -> views
  timer?: NodeJS.Timeout;
  flushing?: Promise<void>;
}

// One buffer per context (per store), so that tests with their own stores never share counts.
const buffers = new WeakMap<AppContext, Pending>();

export async function recordView(ctx: AppContext, paperId: string, userAgent: string | undefined): Promise<void> {
  if (isBot(userAgent)) return;
  let buf = buffers.get(ctx);
  if (!buf) {
    buf = { counts: new Map() };
    buffers.set(ctx, buf);
  }
  const key = `${dayOf(ctx.clock.now())}\u0000${paperId}`;
  buf.counts.set(key, (buf.counts.get(key) ?? 0) + 1);
  if (buf.counts.size >= FLUSH_AT_PENDING) {
    await flushViews(ctx);
    return;
  }
  if (!buf.timer) {
    const pending = buf;
    pending.timer = setTimeout(() => {
      flushViews(ctx).catch((err) => ctx.log.warn({ err }, 'flushing page views failed'));
    }, FLUSH_AFTER_MS);
    pending.timer.unref(); // never keeps a CLI command or a test alive
  }
}

/** Writes the pending view counts now (also called on shutdown and by tests). */
export async function flushViews(ctx: AppContext): Promise<void> {
  const buf = buffers.get(ctx);
  if (!buf) return;
  if (buf.timer) clearTimeout(buf.timer);
  buf.timer = undefined;
  await buf.flushing;
  if (!buf.counts.size) return;
  const counts = [...buf.counts].map(([key, count]) => {
    const [day, paperId] = key.split('\u0000');
    return { paperId, day, count };
  });
  buf.counts = new Map();
  buf.flushing = addViews(ctx.store.db, counts).catch((err) => {
    // Put them back, so a locked database delays the counts instead of losing them.
    for (const c of counts) {
      const key = `${c.day}\u0000${c.paperId}`;
      buf.counts.set(key, (buf.counts.get(key) ?? 0) + c.count);
    }
    throw err;
  });
  try {
    await buf.flushing;
  } finally {
    buf.flushing = undefined;
  }
}
