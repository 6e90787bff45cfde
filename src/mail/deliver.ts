// Delivery of the outbox: claim rows with a lease, render each mail, send it through the SMTP pool
// under the rate cap, and record the outcome.
//
// The guarantee (docs/mail.md): a row is marked sent only after the SMTP server accepted the message
// (its 250 after the end-of-data dot), so no digest is ever lost: a process that dies earlier leaves
// the row 'sending', and it is claimed again when its lease expires. The one window where a copy can
// go out twice is between the server's acceptance and our commit (a crash right there): the resend
// carries the row's stable Message-ID, so the two copies are the same message to the receiver
// (RFC 5322 §3.6.4; mail stores collapse them). Before the dot the sender checks that this worker
// still holds the lease, so a worker that lost its row to another abandons mid-DATA instead of
// delivering a second copy.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import { getPapers, type Paper } from '../store/papers.js';
import { getSubscribers, recordHardBounce, clearHardBounces, type Subscriber } from '../store/subscribers.js';
import { claimOutbox, commitSentRows, finishOutbox, heldOutboxRows, getMailPause, releaseOutboxLeases, retryLater, setMailPause, type OutboxRow } from '../store/outbox.js';
import { decodeSections, type DigestSection } from './compose.js';
import { confirmLink, fromName, mailLinks, type MailLinks } from './links.js';
import { buildMessage, type BuiltMessage } from './message.js';
import { envelopeAddress } from './address.js';
import { renderAlreadySubscribed, renderConfirmation, renderDigest, type RenderedMail } from './templates.js';
import { mailTransport, type MailTransport } from './transport.js';
import { TurnBatch } from './turn-batch.js';
import { timed, timedAsync } from './phase-times.js';

/** Attempts before a temporarily failing mail is given up. */
export const MAX_ATTEMPTS = 8;
/** Consecutive permanent failures after which an address is suspended. */
export const HARD_BOUNCE_LIMIT = 3;
/** A run pauses delivery when at least this many sends were tried and this share of them failed. */
export const PAUSE_MIN_ATTEMPTS = 20;
export const PAUSE_FAILURE_RATIO = 0.5;
/** How long a confirmation link works. */
export const CONFIRM_HOURS = 48;
/** Messages being rendered or sent at once, per SMTP connection (the benchmark's pre-rendered phase
 * uses the same). 4 measured no faster than 2 (10,000 digests, 2026-11-27). */
export const IN_FLIGHT_PER_CONNECTION = 2;

export interface DeliveryOptions {
  workerId?: string;
  /** Only these outbox rows (the confirmation mail of a subscribe request). */
  onlyIds?: number[];
  transport?: MailTransport;
  /** Rows claimed at a time. */
  batch?: number;
  leaseMs?: number;
}

export interface DeliveryReport {
  sent: number;
  retry: number;
  failed: number;
  skipped: number;
  abandoned: number;
  /** Why delivery is paused, when it is. */
  paused?: string;
}

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function backoffMs(attempts: number): number {
  return Math.min(6 * 3_600_000, 60_000 * 2 ** Math.max(0, attempts - 1));
}

export async function deliverOutbox(ctx: AppContext, opts: DeliveryOptions = {}): Promise<DeliveryReport> {
  const db = ctx.store.db;
  const workerId = opts.workerId ?? newWorkerId();
  const transport = opts.transport ?? mailTransport(ctx);
  const leaseMs = opts.leaseMs ?? ctx.config.PAPERBOY_JOB_LEASE_SECONDS * 1000;
  const batch = opts.batch ?? transport.lanes.size * 16;
  const report: DeliveryReport = { sent: 0, retry: 0, failed: 0, skipped: 0, abandoned: 0 };
  const paperCache = new Map<string, Paper>();
  // On SQLite both ledger queries run synchronously within the call (prepared statements), so timing the call times them.
  const commit = new TurnBatch((ids: number[]) => timed('sent mark', () => commitSentRows(ctx.store, ids, workerId, ctx.clock.now().toISOString())));
  const ledger: Ledger = {
    // A dot goes out only once every message accepted before it is marked sent (PostgreSQL runs the
    // two queries concurrently otherwise), so a crash leaves at most one unmarked copy per connection.
    // The questions of the connections that open a transaction together arrive together (the SMTP
    // thread posts once per turn) and each holds up its connection until answered: one call for
    // them as soon as they are all in, not at the end of the turn.
    holds: new TurnBatch(async (ids: number[]) => {
      await commit.settled();
      return timed('lease check', () => heldOutboxRows(ctx.store, ids, workerId));
    }, queueMicrotask),
    commit,
  };
  let attempted = 0;
  let failures = 0;
  let lastError = '';

  // Claimed rows waiting for a connection, each with the end of its lease. The next batch is claimed
  // while the last rows of this one are still being sent, so the connections never wait for a claim
  // (or for the slowest message of a batch) between batches.
  const queue: Array<{ row: OutboxRow; sections: DigestSection[]; subscriber?: Subscriber; leaseUntil: number }> = [];
  const refillBelow = transport.lanes.size * IN_FLIGHT_PER_CONNECTION;
  let exhausted = false;
  let stop = false;
  let refilling: Promise<void> | null = null;

  const claimBatch = async (): Promise<void> => {
    const paused = await getMailPause(db);
    if (paused) {
      report.paused = paused;
      stop = true;
      return;
    }
    const now = ctx.clock.now();
    const leaseUntil = now.getTime() + leaseMs;
    await timedAsync('claim rows', async () => {
      const rows = await claimOutbox(ctx.store, workerId, now.toISOString(), new Date(leaseUntil).toISOString(), batch, opts.onlyIds);
      if (!rows.length) {
        exhausted = true;
        return;
      }
      const subscribers = new Map((await getSubscribers(db, [...new Set(rows.map((r) => r.subscriberId))])).map((s) => [s.id, s]));
      // A digest row's sections, decoded once: for the papers to load and for rendering.
      const sections = new Map(rows.filter((r) => r.kind === 'digest').map((r) => [r.id, decodeSections(r.paperIds)]));
      if (paperCache.size > 50_000) {
        // Bounded memory, but the rows of the previous claim still waiting keep their papers.
        const waiting = new Set(queue.flatMap((item) => item.sections.flatMap((s) => s.paperIds)));
        for (const id of paperCache.keys()) if (!waiting.has(id)) paperCache.delete(id);
      }
      const missing = new Set<string>();
      for (const list of sections.values()) for (const s of list) for (const id of s.paperIds) if (!paperCache.has(id)) missing.add(id);
      for (const p of await getPapers(db, [...missing])) paperCache.set(p.id, p);
      for (const row of rows) queue.push({ row, sections: sections.get(row.id) ?? [], subscriber: subscribers.get(row.subscriberId), leaseUntil });
    });
  };

  /** The next claimed row to send, claiming more when few are left; undefined when there are none. */
  const nextRow = async () => {
    for (;;) {
      if (stop) return undefined;
      if (queue.length <= refillBelow && !exhausted && !refilling) refilling = claimBatch().finally(() => (refilling = null));
      if (queue.length) return queue.shift();
      if (!refilling) return undefined;
      await refilling;
    }
  };

  const lane = async () => {
    for (let item = await nextRow(); item; item = await nextRow()) {
      // Lease over: the commit would fail anyway; the row goes back to pending below.
      if (ctx.clock.now().getTime() >= item.leaseUntil) continue;
      const outcome = await deliverRow(ctx, item.row, item.sections, item.subscriber, paperCache, workerId, transport, ledger);
      report[outcome.result]++;
      if (outcome.result === 'sent' || outcome.result === 'retry' || outcome.result === 'failed') attempted++;
      if (outcome.result === 'retry' || outcome.result === 'failed') {
        failures++;
        lastError = outcome.error ?? '';
      }
      if (attempted >= PAUSE_MIN_ATTEMPTS && failures / attempted >= PAUSE_FAILURE_RATIO && !stop) {
        stop = true;
        const reason = `paused at ${ctx.clock.now().toISOString()}: ${failures} of ${attempted} deliveries in this run failed (last error: ${lastError}). Fix the cause, then run \`paperboy digest resume\`.`;
        await setMailPause(db, reason, ctx.clock.now().toISOString());
        ctx.log.error({ failures, attempted, lastError }, 'mail delivery paused: too many failures');
      }
    }
  };
  await Promise.all(Array.from({ length: transport.lanes.size * IN_FLIGHT_PER_CONNECTION }, lane));
  await refilling;
  // Rows claimed but not started (pause, expired lease) go back to pending at once.
  await releaseOutboxLeases(db, workerId);
  if (stop && !report.paused) report.paused = (await getMailPause(db)) ?? 'paused';
  return report;
}

/** The two per-message database steps, each batched over the connections of one event-loop turn. */
interface Ledger {
  /** Before the end-of-data dot: does this worker still hold the row? */
  holds: TurnBatch<number>;
  /** After the server's 250: mark the row sent (false: the lease had been lost). */
  commit: TurnBatch<number>;
}

type RowResult = { result: 'sent' | 'retry' | 'failed' | 'skipped' | 'abandoned'; error?: string };

async function deliverRow(
  ctx: AppContext,
  row: OutboxRow,
  sections: DigestSection[],
  subscriber: Subscriber | undefined,
  papers: Map<string, Paper>,
  workerId: string,
  transport: MailTransport,
  ledger: Ledger,
): Promise<RowResult> {
  const db = ctx.store.db;
  const nowIso = () => ctx.clock.now().toISOString();
  const eligible =
    !!subscriber &&
    (row.kind === 'digest'
      ? subscriber.status === 'active'
      : row.kind === 'already'
        ? subscriber.status === 'active' || subscriber.status === 'paused'
        : subscriber.status === 'pending' && (subscriber.confirmExpiresAt ?? '') > nowIso());
  if (!eligible) {
    await finishOutbox(db, row.id, workerId, 'skipped', `subscriber is ${subscriber?.status ?? 'gone'}`, nowIso());
    return { result: 'skipped' };
  }
  let message: BuiltMessage;
  try {
    // Signed links cost two HMACs: computed once for the body and the headers.
    const links = timed('render', () => mailLinks(ctx, subscriber));
    const mail = timed('render', () => renderRow(ctx, row, sections, subscriber, papers, links));
    // Without DKIM the build is synchronous, so timing the call times all of it.
    message = await timed('mime', () =>
      buildMessage(ctx, { to: envelopeAddress(subscriber.email), messageId: row.messageId, date: ctx.clock.now(), mail, links: row.kind === 'confirm' ? undefined : links }),
    );
  } catch (err) {
    const error = `could not build the message: ${err instanceof Error ? err.message : String(err)}`;
    await finishOutbox(db, row.id, workerId, 'failed', error, nowIso());
    return { result: 'failed', error };
  }
  await transport.rate.take();
  let dotSent = false;
  // The hand-off: the message copied into the SMTP thread's block and queued for it.
  const sending = timed('hand-off', () =>
    transport.lanes.send({ from: message.from, to: message.to }, message.chunks, async () => {
      dotSent = await ledger.holds.ask(row.id);
      return dotSent;
    }),
  );
  const outcome = await sending;
  if (outcome.ok) {
    if (!(await ledger.commit.ask(row.id))) ctx.log.warn({ outbox: row.id }, 'accepted after our lease expired; another worker may resend it with the same Message-ID');
    if (subscriber.hardBounces > 0) await clearHardBounces(db, subscriber.id);
    return { result: 'sent' };
  }
  if (outcome.abandoned) return { result: 'abandoned' };
  const error = `${outcome.code ?? 'no answer'}: ${outcome.message}`;
  if (dotSent && !outcome.answered) ctx.log.warn({ outbox: row.id, error }, 'connection lost after the end of data; retrying with the same Message-ID');
  if (outcome.temporary && row.attempts < MAX_ATTEMPTS) {
    await retryLater(db, row.id, workerId, error, new Date(ctx.clock.now().getTime() + backoffMs(row.attempts)).toISOString());
    return { result: 'retry', error };
  }
  await finishOutbox(db, row.id, workerId, 'failed', error, nowIso());
  if (!outcome.temporary) {
    const suspended = await recordHardBounce(db, subscriber.id, HARD_BOUNCE_LIMIT, nowIso());
    if (suspended) ctx.log.warn({ subscriber: subscriber.id }, 'address suspended after repeated permanent failures');
  }
  return { result: 'failed', error };
}

function renderRow(ctx: AppContext, row: OutboxRow, sections: DigestSection[], s: Subscriber, papers: Map<string, Paper>, links: MailLinks): RenderedMail {
  const siteName = fromName(ctx);
  if (row.kind === 'confirm') return renderConfirmation({ siteName, confirmUrl: confirmLink(ctx, s), expiresHours: CONFIRM_HOURS });
  if (row.kind === 'already') return renderAlreadySubscribed({ siteName, links });
  const what = [s.topN ? 'trending papers' : '', s.includeDaily ? 'the daily list' : '', s.topics.length ? 'your topics' : '', s.categories.length ? 'your categories' : '', s.authors.length ? 'authors you follow' : '']
    .filter(Boolean)
    .join(', ');
  return renderDigest({
    siteName,
    baseUrl: ctx.config.baseUrl,
    periodLabel: periodLabel(row.period),
    sections,
    papers,
    links,
    why: `You receive this ${s.frequency} digest of ${what || 'papers'} because ${s.email} subscribed to ${siteName} and confirmed it.`,
  });
}

const labels = new Map<string, string>();

/** "Friday, 27 November 2026" or "week 48, 2026" (cached: Intl formatting is slow per call). */
export function periodLabel(period: string): string {
  let label = labels.get(period);
  if (label === undefined) {
    if (labels.size > 1000) labels.clear();
    labels.set(period, (label = formatPeriod(period)));
  }
  return label;
}

function formatPeriod(period: string): string {
  const [kind, key] = period.split(':');
  if (kind === 'weekly') {
    const m = /^(\d{4})-W(\d{2})$/.exec(key ?? '');
    return m ? `week ${Number(m[2])}, ${m[1]}` : key ?? period;
  }
  const d = new Date(`${key}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? period : d.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}
