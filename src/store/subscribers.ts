// Subscribers and their digest preferences: the repository functions of the mail domain.
// An address is stored lower-cased and exists once; its status says what may be sent to it:
// pending (only the confirmation mail), active, paused, unsubscribed, suspended (hard bounces).
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { SubscribersTable } from './tables/mail.js';

type Db = Kysely<Database> | Transaction<Database>;

export type SubscriberStatus = 'pending' | 'active' | 'paused' | 'unsubscribed' | 'suspended';
export type Frequency = 'daily' | 'weekly';

export interface Preferences {
  frequency: Frequency;
  /** Local hour of sending, 0..23. */
  hour: number;
  /** IANA time zone name. */
  timezone: string;
  /** 0 = Sunday .. 6, for weekly digests. */
  weekday: number;
  /** How many trending papers (0 = no trending section). */
  topN: number;
  includeDaily: boolean;
  categories: string[];
  /** Saved search queries. */
  topics: string[];
  authors: string[];
}

export interface Subscriber extends Preferences {
  id: number;
  email: string;
  status: SubscriberStatus;
  userId: number | null;
  hardBounces: number;
  confirmExpiresAt: string | null;
  createdAt: string;
  confirmedAt: string | null;
  updatedAt: string;
}

export const defaultPreferences: Preferences = {
  frequency: 'daily',
  hour: 7,
  timezone: 'UTC',
  weekday: 1,
  topN: 10,
  includeDaily: true,
  categories: [],
  topics: [],
  authors: [],
};

export function subscriberFromRow(row: Selectable<SubscribersTable>): Subscriber {
  return {
    id: Number(row.id),
    email: row.email,
    status: row.status as SubscriberStatus,
    userId: row.user_id === null ? null : Number(row.user_id),
    frequency: row.frequency as Frequency,
    hour: row.hour,
    timezone: row.timezone,
    weekday: row.weekday,
    topN: row.top_n,
    includeDaily: row.include_daily === 1,
    categories: JSON.parse(row.categories),
    topics: JSON.parse(row.topics),
    authors: JSON.parse(row.authors),
    hardBounces: row.hard_bounces,
    confirmExpiresAt: row.confirm_expires_at,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
    updatedAt: row.updated_at,
  };
}

function preferenceColumns(p: Preferences) {
  return {
    frequency: p.frequency,
    hour: p.hour,
    timezone: p.timezone,
    weekday: p.weekday,
    top_n: p.topN,
    include_daily: p.includeDaily ? 1 : 0,
    categories: JSON.stringify(p.categories),
    topics: JSON.stringify(p.topics),
    authors: JSON.stringify(p.authors),
  };
}

export async function getSubscriber(db: Db, id: number): Promise<Subscriber | undefined> {
  const row = await db.selectFrom('subscribers').selectAll().where('id', '=', id).executeTakeFirst();
  return row && subscriberFromRow(row);
}

export async function getSubscriberByEmail(db: Db, email: string): Promise<Subscriber | undefined> {
  const row = await db.selectFrom('subscribers').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  return row && subscriberFromRow(row);
}

export async function getSubscribers(db: Db, ids: number[]): Promise<Subscriber[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('subscribers').selectAll().where('id', 'in', ids).execute();
  return rows.map(subscriberFromRow);
}

/**
 * A subscribe request. Returns what should be mailed: 'confirm' for a new, pending or formerly
 * unsubscribed address (it becomes pending with a fresh expiry), 'already' for an active or paused
 * one, 'nothing' for a suspended one. The caller answers the same page in every case.
 */
export async function requestSubscription(
  db: Kysely<Database>,
  email: string,
  now: string,
  confirmExpiresAt: string,
): Promise<{ subscriber: Subscriber; mail: 'confirm' | 'already' | 'nothing' }> {
  const address = email.toLowerCase();
  await db
    .insertInto('subscribers')
    .values({ email: address, status: 'pending', ...preferenceColumns(defaultPreferences), confirm_expires_at: confirmExpiresAt, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  let subscriber = (await getSubscriberByEmail(db, address))!;
  if (subscriber.status === 'active' || subscriber.status === 'paused') return { subscriber, mail: 'already' };
  if (subscriber.status === 'suspended') return { subscriber, mail: 'nothing' };
  if (subscriber.confirmExpiresAt !== confirmExpiresAt) {
    await db
      .updateTable('subscribers')
      .set({ status: 'pending', confirm_expires_at: confirmExpiresAt, updated_at: now })
      .where('id', '=', subscriber.id)
      .execute();
    subscriber = (await getSubscriber(db, subscriber.id))!;
  }
  return { subscriber, mail: 'confirm' };
}

/** Activates a pending subscriber whose confirmation has not expired; true when it did. */
export async function confirmSubscriber(db: Db, id: number, now: string): Promise<boolean> {
  const result = await db
    .updateTable('subscribers')
    .set({ status: 'active', confirmed_at: now, confirm_expires_at: null, confirm_token_hash: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('confirm_expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Members: their own subscription row (by account or address), created active when missing. */
export async function ensureMemberSubscriber(db: Kysely<Database>, userId: number, email: string, now: string): Promise<Subscriber> {
  const byUser = await db.selectFrom('subscribers').selectAll().where('user_id', '=', userId).executeTakeFirst();
  if (byUser) return subscriberFromRow(byUser);
  const existing = await getSubscriberByEmail(db, email);
  if (existing) {
    // The account's address was verified at sign-in, so the row is theirs and needs no confirmation.
    await db
      .updateTable('subscribers')
      .set({ user_id: userId, updated_at: now, ...(existing.status === 'pending' ? { status: 'paused', confirmed_at: now, confirm_expires_at: null } : {}) })
      .where('id', '=', existing.id)
      .execute();
    return (await getSubscriber(db, existing.id))!;
  }
  // A member who has never subscribed starts paused: opening settings is not asking for mail.
  await db
    .insertInto('subscribers')
    .values({ email: email.toLowerCase(), status: 'paused', user_id: userId, ...preferenceColumns(defaultPreferences), created_at: now, confirmed_at: now, updated_at: now })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  return (await getSubscriberByEmail(db, email))!;
}

/** Saves preferences; `active` false pauses, true (re)activates a confirmed subscriber. */
export async function updatePreferences(db: Db, id: number, prefs: Preferences, active: boolean, now: string): Promise<void> {
  await db
    .updateTable('subscribers')
    .set({ ...preferenceColumns(prefs), status: active ? 'active' : 'paused', updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['active', 'paused', 'unsubscribed'])
    .execute();
}

/** Takes effect at once: digests not yet sent are skipped by the sender. */
export async function unsubscribe(db: Db, id: number, now: string): Promise<void> {
  await db.updateTable('subscribers').set({ status: 'unsubscribed', updated_at: now }).where('id', '=', id).where('status', '!=', 'suspended').execute();
}

/** Counts a permanent (5xx) failure; at `limit` consecutive ones the address is suspended. */
export async function recordHardBounce(db: Db, id: number, limit: number, now: string): Promise<boolean> {
  const row = await db
    .updateTable('subscribers')
    .set((eb) => ({ hard_bounces: eb('hard_bounces', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .returning('hard_bounces')
    .executeTakeFirst();
  if (row && row.hard_bounces >= limit) {
    await db.updateTable('subscribers').set({ status: 'suspended', updated_at: now }).where('id', '=', id).execute();
    return true;
  }
  return false;
}

export async function clearHardBounces(db: Db, id: number): Promise<void> {
  await db.updateTable('subscribers').set({ hard_bounces: 0 }).where('id', '=', id).where('hard_bounces', '>', 0).execute();
}

/** Deletes pending requests that were never confirmed in time. */
export async function expirePendingSubscribers(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('subscribers').where('status', '=', 'pending').where('confirmed_at', 'is', null).where('confirm_expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Active subscribers of a frequency in id order after `afterId` (cursor batches for a digest run). */
export async function activeSubscribersBatch(db: Db, frequency: Frequency, afterId: number, limit: number): Promise<Subscriber[]> {
  const rows = await db
    .selectFrom('subscribers')
    .selectAll()
    .where('status', '=', 'active')
    .where('frequency', '=', frequency)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(subscriberFromRow);
}

/** Many subscribers at once (benchmarks, imports); returns how many were inserted. */
export async function insertSubscribers(db: Db, list: Array<Preferences & { email: string; status: SubscriberStatus }>, now: string): Promise<number> {
  let n = 0;
  for (let i = 0; i < list.length; i += 500) {
    const chunk = list.slice(i, i + 500);
    const result = await db
      .insertInto('subscribers')
      .values(chunk.map((s) => ({ email: s.email.toLowerCase(), status: s.status, ...preferenceColumns(s), created_at: now, confirmed_at: now, updated_at: now })))
      .onConflict((oc) => oc.column('email').doNothing())
      .executeTakeFirst();
    n += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return n;
}
