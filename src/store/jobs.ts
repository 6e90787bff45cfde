// The jobs table: durable background work with leases. A claim is a single UPDATE ... RETURNING; on
// PostgreSQL its inner SELECT uses FOR UPDATE SKIP LOCKED so that many workers on many machines share
// the queue without taking the same job twice. A job whose lease expired (its worker died) is
// claimable again; a worker extends the lease of a long job while it runs.
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';
import { dialectOf } from './db.js';

export interface Job {
  id: number;
  kind: string;
  payload: unknown;
  attempts: number;
}

export interface EnqueueOptions {
  runAt?: string;
  /** At most one unfinished job per key: enqueueing again while one is pending does nothing. */
  uniqueKey?: string;
}

export async function enqueueJob(db: Kysely<Database>, kind: string, payload: unknown, now: string, opts: EnqueueOptions = {}): Promise<boolean> {
  const result = await db
    .insertInto('jobs')
    .values({
      kind,
      payload: JSON.stringify(payload ?? {}),
      unique_key: opts.uniqueKey ?? null,
      status: 'pending',
      run_at: opts.runAt ?? now,
      created_at: now,
    })
    // The predicate must repeat the partial unique index's own text with literals, not parameters:
    // SQLite matches an upsert target to a partial index only by comparing the expressions.
    .onConflict((oc) => oc.column('unique_key').where(sql<boolean>`status in ('pending', 'running')`).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Claims one due job of the given kinds for `workerId` until `leaseUntil`, in one statement:
 * `UPDATE … WHERE id = (SELECT … LIMIT 1 [FOR UPDATE SKIP LOCKED]) RETURNING …`. On PostgreSQL the
 * inner SELECT skips rows another worker is claiming at this moment, so N workers take N different
 * jobs without waiting on each other; the outer WHERE repeats the due test, so a row that stopped
 * being due between the two (another claim committed first) is not taken twice. SQLite runs one
 * writer at a time, so the statement is atomic there as it is.
 */
export async function claimJob(db: Kysely<Database>, kinds: string[], workerId: string, now: string, leaseUntil: string): Promise<Job | undefined> {
  if (!kinds.length) return undefined;
  const isDue = (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.and([
      eb('kind', 'in', kinds),
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
        eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now)]),
      ]),
    ]);
  let next = db.selectFrom('jobs').select('id').where(isDue).orderBy('run_at').orderBy('id').limit(1);
  if (dialectOf(db) === 'postgres') next = next.forUpdate().skipLocked();
  const row = await db
    .updateTable('jobs')
    .set({ status: 'running', lease_until: leaseUntil, locked_by: workerId, attempts: sql`attempts + 1` })
    .where('id', '=', next)
    .where(isDue)
    .returning(['id', 'kind', 'payload', 'attempts'])
    .executeTakeFirst();
  if (!row) return undefined;
  return { id: Number(row.id), kind: row.kind, payload: JSON.parse(row.payload), attempts: Number(row.attempts) };
}

/**
 * Extends the lease of a job this worker still holds (the worker calls it while a long job runs).
 * False when the lease was lost: it expired and another worker took the job over.
 */
export async function extendLease(db: Kysely<Database>, id: number, workerId: string, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ lease_until: leaseUntil })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function completeJob(db: Kysely<Database>, id: number, workerId: string, now: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'done', finished_at: now, lease_until: null })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .execute();
}

/** Records a failure; the job is retried at `retryAt`, or marked failed when retryAt is null. */
export async function failJob(db: Kysely<Database>, id: number, workerId: string, error: string, now: string, retryAt: string | null): Promise<void> {
  await db
    .updateTable('jobs')
    .set(
      retryAt
        ? { status: 'pending', run_at: retryAt, last_error: error.slice(0, 2000), lease_until: null, locked_by: null }
        : { status: 'failed', finished_at: now, last_error: error.slice(0, 2000), lease_until: null },
    )
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .execute();
}

/** Gives back every lease a worker holds (graceful shutdown), so another worker can start at once. */
export async function releaseLeases(db: Kysely<Database>, workerId: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'pending', lease_until: null, locked_by: null, attempts: sql`attempts - 1` })
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .execute();
}

/** Deletes finished jobs older than `before`. */
export async function pruneJobs(db: Kysely<Database>, before: string): Promise<void> {
  await db.deleteFrom('jobs').where('status', 'in', ['done', 'failed']).where('finished_at', '<', before).execute();
}
