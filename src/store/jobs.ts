// The jobs table: durable background work with leases. SQLite has one worker process, so a claim is
// a single UPDATE ... RETURNING; PostgreSQL claims with FOR UPDATE SKIP LOCKED so that many workers
// share the queue without taking the same job twice. A job whose lease expired is claimable again.
import { type Kysely, sql } from 'kysely';
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
    .onConflict((oc) => oc.column('unique_key').where('status', 'in', ['pending', 'running']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Claims one due job of the given kinds for `workerId` until `leaseUntil`. */
export async function claimJob(db: Kysely<Database>, kinds: string[], workerId: string, now: string, leaseUntil: string): Promise<Job | undefined> {
  if (!kinds.length) return undefined;
  const due = (qb: any) =>
    qb
      .where('kind', 'in', kinds)
      .where((eb: any) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now)]),
        ]),
      );
  let picked: { id: number } | undefined;
  if (dialectOf(db) === 'postgres') {
    picked = await due(db.selectFrom('jobs').select('id')).orderBy('run_at').limit(1).forUpdate().skipLocked().executeTakeFirst();
  } else {
    picked = await due(db.selectFrom('jobs').select('id')).orderBy('run_at').limit(1).executeTakeFirst();
  }
  if (!picked) return undefined;
  const row = await due(
    db
      .updateTable('jobs')
      .set({ status: 'running', lease_until: leaseUntil, locked_by: workerId, attempts: sql`attempts + 1` })
      .where('id', '=', picked.id),
  )
    .returning(['id', 'kind', 'payload', 'attempts'])
    .executeTakeFirst();
  if (!row) return undefined; // someone else took it between select and update
  return { id: Number(row.id), kind: row.kind, payload: JSON.parse(row.payload), attempts: row.attempts };
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
