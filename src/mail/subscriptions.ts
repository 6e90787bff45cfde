// Subscribe requests: record the request, queue the one mail it calls for (the double opt-in
// confirmation, or a note to an address that is already subscribed) and send it right away in the
// background. The caller always shows the same page, whatever happened here.
import type { AppContext } from '../context.js';
import { requestSubscription } from '../store/subscribers.js';
import { insertOutboxRows } from '../store/outbox.js';
import { normalizeAddress } from './address.js';
import { CONFIRM_HOURS, deliverOutbox } from './deliver.js';
import { stableMessageId } from './message.js';

const pending = new WeakMap<AppContext, Set<Promise<unknown>>>();

/** Handles a subscribe request for `email` (throws AppError for an invalid address). */
export async function subscribe(ctx: AppContext, email: unknown): Promise<void> {
  const address = normalizeAddress(email);
  const now = ctx.clock.now();
  const expires = new Date(now.getTime() + CONFIRM_HOURS * 3_600_000).toISOString();
  const { subscriber, mail } = await requestSubscription(ctx.store.db, address, now.toISOString(), expires);
  if (mail === 'nothing') return;
  // One such mail per address and hour (the outbox key), so the form cannot be used to flood an inbox.
  const period = `${mail}:${now.toISOString().slice(0, 13)}`;
  const ids = await insertOutboxRows(
    ctx.store,
    [{ subscriberId: subscriber.id, period, kind: mail, messageId: stableMessageId(ctx, mail, subscriber.id, period), paperIds: [] }],
    now.toISOString(),
  );
  if (ids.length) kick(ctx, ids);
}

/** Sends these outbox rows now, in the background; the worker retries whatever fails. */
export function kick(ctx: AppContext, ids: number[]): void {
  let set = pending.get(ctx);
  if (!set) pending.set(ctx, (set = new Set()));
  const p = deliverOutbox(ctx, { onlyIds: ids }).catch((err) => ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'immediate mail delivery failed; the worker will retry'));
  set.add(p);
  void p.finally(() => set!.delete(p));
}

/** Waits for background sends started by requests (tests, graceful shutdown). */
export async function settleMail(ctx: AppContext): Promise<void> {
  const set = pending.get(ctx);
  while (set && set.size) await Promise.all([...set]);
}
