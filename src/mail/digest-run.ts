// A digest run: find the subscribers whose digest is due, compose each one's digest, record it in
// the outbox (one row per subscriber and period; an empty digest is recorded as skipped and not
// sent), then deliver the outbox. `paperboy digest run` and the worker's scheduler both call this;
// running it again, concurrently or after a crash creates nothing twice (the outbox's unique key).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../context.js';
import { activeSubscribersBatch, type Subscriber } from '../store/subscribers.js';
import { getMailPause, insertOutboxRows, papersAlreadySent, subscribersWithRow, type NewOutboxRow } from '../store/outbox.js';
import { Composer, encodeSections, newSourceCache } from './compose.js';
import { deliverOutbox, periodLabel, type DeliveryOptions, type DeliveryReport } from './deliver.js';
import { frequencies, isDue, periodOf } from './schedule.js';
import { buildMessage, stableMessageId } from './message.js';
import { fromName, mailLinks } from './links.js';
import { renderDigest } from './templates.js';
import { timed, timedAsync } from './phase-times.js';
import { envelopeAddress } from './address.js';

export interface RunOptions {
  period: 'daily' | 'weekly' | 'all';
  /** Render the digests to files in outDir instead of recording and sending them. */
  dryRun?: boolean;
  outDir?: string;
  /** Ignore each subscriber's hour and weekday (the period is still the subscriber's local day/week). */
  force?: boolean;
  /** Compose only; leave delivery to the worker. */
  composeOnly?: boolean;
  delivery?: DeliveryOptions;
  onProgress?: (composed: number) => void;
}

export interface RunReport {
  considered: number;
  notDue: number;
  existing: number;
  composed: number;
  empty: number;
  files: number;
  delivery?: DeliveryReport;
  paused?: string;
}

// Subscribers are read 100 at a time: a batch lives while it is composed, and one that lives for
// more than a young-generation collection or two is promoted and becomes old-generation garbage
// (at 500 the main-thread heap reached 230-310 MB at 1,000+ digests/s; peak RSS 490-600 MB).
const BATCH = 100;
const YIELD_EVERY = 8;

export async function runDigests(ctx: AppContext, opts: RunOptions): Promise<RunReport> {
  const report: RunReport = { considered: 0, notDue: 0, existing: 0, composed: 0, empty: 0, files: 0 };
  if (!opts.dryRun) {
    const paused = await getMailPause(ctx.store.db);
    if (paused) return { ...report, paused };
  }
  const now = ctx.clock.now();
  // Delivery starts with the first recorded batch and runs beside composition, so that sending
  // (waiting on the SMTP server) and composing (CPU and SQL) overlap.
  let composing = true;
  const delivering = opts.dryRun || opts.composeOnly ? undefined : deliverWhileComposing(ctx, opts.delivery, () => composing);
  try {
    await compose(ctx, opts, now, report);
  } finally {
    composing = false;
  }
  if (delivering) {
    report.delivery = await delivering;
    report.paused = report.delivery.paused;
  }
  return report;
}

async function deliverWhileComposing(ctx: AppContext, options: DeliveryOptions | undefined, composing: () => boolean): Promise<DeliveryReport> {
  const total: DeliveryReport = { sent: 0, retry: 0, failed: 0, skipped: 0, abandoned: 0 };
  for (;;) {
    const stillComposing = composing();
    const r = await deliverOutbox(ctx, options);
    total.sent += r.sent;
    total.retry += r.retry;
    total.failed += r.failed;
    total.skipped += r.skipped;
    total.abandoned += r.abandoned;
    if (r.paused) return { ...total, paused: r.paused };
    // Composition had ended before this pass began: the pass saw every row there is.
    if (!stillComposing) return total;
    if (r.sent + r.retry + r.failed + r.skipped + r.abandoned === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function compose(ctx: AppContext, opts: RunOptions, now: Date, report: RunReport): Promise<void> {
  const sources = newSourceCache();
  // A run's subscribers share a handful of time zones, so a handful of periods and Message-ID forms.
  const periods = new Map<string, string>();
  const periodFor = (s: Subscriber) => {
    const key = `${s.frequency}|${s.timezone}`;
    let period = periods.get(key);
    if (period === undefined) periods.set(key, (period = periodOf(s, now)));
    return period;
  };
  for (const frequency of frequencies(opts.period)) {
    const composer = new Composer(ctx, frequency, now, sources);
    let after = 0;
    for (;;) {
      const { batch, todo, sent } = await timedAsync('subscriber batches', async () => {
        const batch = await activeSubscribersBatch(ctx.store.db, frequency, after, BATCH);
        const due = batch.filter((s) => opts.force || isDue(s, now));
        report.notDue += batch.length - due.length;
        const todo = opts.dryRun ? due : await withoutRows(ctx, due, periodFor, report);
        return { batch, todo, sent: await papersAlreadySent(ctx.store.db, todo.map((s) => s.id)) };
      });
      if (!batch.length) break;
      after = batch[batch.length - 1].id;
      report.considered += batch.length;
      const rows: NewOutboxRow[] = [];
      for (const [i, s] of todo.entries()) {
        // Composing is CPU work whose awaits resolve at once: let the sender's I/O (the SMTP thread's
        // questions and answers) in now and then, so that delivery never waits for a whole batch.
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
        const loading = timed('load sources', () => composer.load(s));
        if (loading) await timedAsync('load sources', () => loading);
        const digest = timed('select papers', () => composer.select(s, sent.get(s.id) ?? new Set()));
        const period = periodFor(s);
        const messageId = stableMessageId(ctx, 'digest', s.id, period);
        if (!digest.paperIds.length) {
          report.empty++;
          rows.push({ subscriberId: s.id, period, kind: 'digest', messageId, paperIds: [], status: 'skipped' });
          continue;
        }
        report.composed++;
        if (opts.dryRun) {
          await writeDryRun(ctx, opts.outDir ?? path.join(ctx.config.dataDir, 'digest-dry-run'), s, period, messageId, digest.sections, composer.papers);
          report.files++;
        } else {
          rows.push({ subscriberId: s.id, period, kind: 'digest', messageId, paperIds: digest.paperIds, entries: encodeSections(digest.sections) });
        }
      }
      // On SQLite the insert runs synchronously within the call, so timing the call times it. A
      // batch is small so that it holds the main thread briefly: the sender's connections wait.
      if (!opts.dryRun) await timed('record outbox', () => insertOutboxRows(ctx.store, rows, now.toISOString()));
      opts.onProgress?.(report.composed);
    }
  }
}

async function withoutRows(ctx: AppContext, due: Subscriber[], periodFor: (s: Subscriber) => string, report: RunReport): Promise<Subscriber[]> {
  const byPeriod = new Map<string, Subscriber[]>();
  for (const s of due) {
    const p = periodFor(s);
    const list = byPeriod.get(p);
    if (list) list.push(s);
    else byPeriod.set(p, [s]);
  }
  const out: Subscriber[] = [];
  for (const [period, list] of byPeriod) {
    const have = await subscribersWithRow(ctx.store.db, list.map((s) => s.id), period);
    report.existing += have.size;
    out.push(...list.filter((s) => !have.has(s.id)));
  }
  return out;
}

async function writeDryRun(ctx: AppContext, dir: string, s: Subscriber, period: string, messageId: string, sections: Parameters<typeof renderDigest>[0]['sections'], papers: Map<string, import('../store/papers.js').Paper>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const links = mailLinks(ctx, s);
  const mail = renderDigest({ siteName: fromName(ctx), baseUrl: ctx.config.baseUrl, periodLabel: periodLabel(period), sections, papers, links, why: `Dry run for ${s.email}.` });
  const built = await buildMessage(ctx, { to: envelopeAddress(s.email), messageId, date: ctx.clock.now(), mail, links });
  const base = path.join(dir, `${s.id}-${period.replace(/[^A-Za-z0-9-]+/g, '-')}`);
  writeFileSync(`${base}.eml`, built.raw);
  writeFileSync(`${base}.html`, mail.html);
  writeFileSync(`${base}.txt`, mail.text);
}
