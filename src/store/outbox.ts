// The outbox: one row per (subscriber, period) under a unique key, so a digest run that is repeated,
// restarted or run by two workers creates each digest once. Delivery state of a row:
//   pending  waiting for next_attempt_at
//   sending  claimed by a worker until lease_until (an expired lease is claimable again)
//   sent     committed by the sender after the SMTP server accepted the message (see src/mail/deliver.ts)
//   failed   permanent failure or too many attempts; skipped: the subscriber left before it went out
// Claims follow src/store/jobs.ts: SQLite has one writer, so a claim is one UPDATE ... RETURNING;
// PostgreSQL selects with FOR UPDATE SKIP LOCKED so that many workers never take the same row.
import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import type SqliteDatabase from 'better-sqlite3';
import type { Database } from './schema.js';
import type { OutboxTable } from './tables/mail.js';
import { dialectOf, type Store } from './db.js';

type Db = Kysely<Database> | Transaction<Database>;

export type OutboxKind = 'digest' | 'confirm' | 'already';

export interface OutboxRow {
  id: number;
  subscriberId: number;
  period: string;
  kind: OutboxKind;
  status: string;
  messageId: string;
  paperIds: string[];
  attempts: number;
  lastError: string | null;
}

function fromRow(r: Selectable<OutboxTable>): OutboxRow {
  return {
    id: Number(r.id),
    subscriberId: Number(r.subscriber_id),
    period: r.period,
    kind: r.kind as OutboxKind,
    status: r.status,
    messageId: r.message_id,
    paperIds: JSON.parse(r.paper_ids),
    attempts: r.attempts,
    lastError: r.last_error,
  };
}

export interface NewOutboxRow {
  subscriberId: number;
  period: string;
  kind: OutboxKind;
  messageId: string;
  /** The papers reserved for this digest (digest_papers). */
  paperIds: string[];
  /** What the paper_ids column stores for the sender, when more than the bare ids (sections). */
  entries?: string[];
  /** 'skipped' records an empty digest, so the period is not composed again. */
  status?: 'pending' | 'skipped';
}

/**
 * Inserts rows, ignoring those whose (subscriber, period) exists already, and reserves the papers of
 * the inserted digests in digest_papers in the same transaction, so that no later digest repeats
 * them. Returns the ids of the rows inserted now.
 */
export async function insertOutboxRows(store: Pick<Store, 'db' | 'sqlite'>, rows: NewOutboxRow[], now: string): Promise<number[]> {
  if (!rows.length) return [];
  const sqlite = store.sqlite;
  if (sqlite && !sqlite.inTransaction) return insertOutboxRowsSqlite(sqlite, rows, now);
  return store.db.transaction().execute(async (trx) => {
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += 400) {
      const chunk = rows.slice(i, i + 400);
      const inserted = await trx
        .insertInto('outbox')
        .values(chunk.map((r) => outboxValues(r, now)))
        .onConflict((oc) => oc.columns(['subscriber_id', 'period']).doNothing())
        .returning(['id', 'subscriber_id'])
        .execute();
      const insertedSubscribers = new Set(inserted.map((r) => Number(r.subscriber_id)));
      ids.push(...inserted.map((r) => Number(r.id)));
      const reserved = chunk.filter((r) => insertedSubscribers.has(r.subscriberId)).flatMap((r) => r.paperIds.map((paperId): [number, string] => [r.subscriberId, paperId]));
      if (reserved.length) await reservePapers(trx, reserved, now);
    }
    return ids;
  });
}

function outboxValues(r: NewOutboxRow, now: string) {
  return {
    subscriber_id: r.subscriberId,
    period: r.period,
    kind: r.kind,
    status: r.status ?? 'pending',
    message_id: r.messageId,
    paper_ids: JSON.stringify(r.entries ?? r.paperIds),
    next_attempt_at: now,
    created_at: now,
  };
}

// SQLite: a digest run records a batch of rows at a time; through Kysely, compiling and preparing the
// multi-row insert cost more than inserting. Statements prepared once per connection, run in one
// better-sqlite3 transaction (synchronous, so nothing else runs on the connection meanwhile).
const insertStatements = new WeakMap<SqliteDatabase.Database, { outbox: SqliteDatabase.Statement; papers: SqliteDatabase.Statement }>();

function insertOutboxRowsSqlite(sqlite: SqliteDatabase.Database, rows: NewOutboxRow[], now: string): number[] {
  let statements = insertStatements.get(sqlite);
  if (!statements) {
    statements = {
      outbox: sqlite
        .prepare(
          `insert into outbox (subscriber_id, period, kind, status, message_id, paper_ids, next_attempt_at, created_at)
           values (@subscriber_id, @period, @kind, @status, @message_id, @paper_ids, @next_attempt_at, @created_at)
           on conflict (subscriber_id, period) do nothing`,
        ),
      papers: sqlite.prepare(RESERVE_SQLITE),
    };
    insertStatements.set(sqlite, statements);
  }
  const { outbox, papers } = statements;
  return sqlite.transaction(() => {
    const ids: number[] = [];
    const reserved: Array<[number, string]> = [];
    for (const r of rows) {
      const inserted = outbox.run(outboxValues(r, now));
      if (!inserted.changes) continue; // the row exists already
      ids.push(Number(inserted.lastInsertRowid));
      for (const paperId of r.paperIds) reserved.push([r.subscriberId, paperId]);
    }
    if (reserved.length) papers.run(now, JSON.stringify(reserved));
    return ids;
  })();
}

/** reservePapers' SQLite statement: parameters the time, then the pairs as JSON. */
const RESERVE_SQLITE = `insert into digest_papers (subscriber_id, paper_id, sent_at)
  select json_extract(value, '$[0]'), json_extract(value, '$[1]'), ? from json_each(?) where true
  on conflict (subscriber_id, paper_id) do nothing`;

/**
 * Records (subscriber, paper) pairs in digest_papers. The pairs go in as one JSON parameter expanded
 * by the database (json_each / jsonb_array_elements): a multi-row VALUES list of thousands of
 * parameters costs more to prepare than to run, and a digest run reserves about ten papers a digest.
 */
async function reservePapers(trx: Transaction<Database>, pairs: Array<[number, string]>, now: string): Promise<void> {
  const json = JSON.stringify(pairs);
  if (dialectOf(trx) === 'postgres') {
    await sql`insert into digest_papers (subscriber_id, paper_id, sent_at)
      select (e->>0)::bigint, e->>1, ${now} from jsonb_array_elements(${json}::jsonb) as e
      on conflict (subscriber_id, paper_id) do nothing`.execute(trx);
    return;
  }
  await sql`insert into digest_papers (subscriber_id, paper_id, sent_at)
    select json_extract(value, '$[0]'), json_extract(value, '$[1]'), ${now} from json_each(${json}) where true
    on conflict (subscriber_id, paper_id) do nothing`.execute(trx);
}

/** Which of these subscribers already have a row for `period` (so the composer can skip them). */
export async function subscribersWithRow(db: Db, subscriberIds: number[], period: string): Promise<Set<number>> {
  if (!subscriberIds.length) return new Set();
  const rows = await db.selectFrom('outbox').select('subscriber_id').where('period', '=', period).where('subscriber_id', 'in', subscriberIds).execute();
  return new Set(rows.map((r) => Number(r.subscriber_id)));
}

/** Papers each subscriber has been sent (or has reserved in a digest not yet sent). */
export async function papersAlreadySent(db: Db, subscriberIds: number[]): Promise<Map<number, Set<string>>> {
  const out = new Map<number, Set<string>>();
  if (!subscriberIds.length) return out;
  const rows = await db.selectFrom('digest_papers').select(['subscriber_id', 'paper_id']).where('subscriber_id', 'in', subscriberIds).execute();
  for (const r of rows) {
    const id = Number(r.subscriber_id);
    let set = out.get(id);
    if (!set) out.set(id, (set = new Set()));
    set.add(r.paper_id);
  }
  return out;
}

/** Claims up to `limit` due rows for `workerId` until `leaseUntil`, counting an attempt on each. */
export async function claimOutbox(store: Pick<Store, 'db' | 'sqlite'>, workerId: string, now: string, leaseUntil: string, limit: number, onlyIds?: number[]): Promise<OutboxRow[]> {
  const db = store.db;
  if (store.sqlite && !store.sqlite.inTransaction && !onlyIds) return claimOutboxSqlite(store.sqlite, workerId, now, leaseUntil, limit);
  const due = (qb: any) => {
    let q = qb.where((eb: any) =>
      eb.or([eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]), eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)])]),
    );
    if (onlyIds) q = q.where('id', 'in', onlyIds.length ? onlyIds : [-1]);
    return q;
  };
  const claim = (trx: Db, ids: number[]) =>
    due(trx.updateTable('outbox').set({ status: 'sending', lease_until: leaseUntil, locked_by: workerId, attempts: sql`attempts + 1` }).where('id', 'in', ids))
      .returningAll()
      .execute() as Promise<Selectable<OutboxTable>[]>;
  if (dialectOf(db) === 'postgres') {
    return db.transaction().execute(async (trx) => {
      const picked = await due(trx.selectFrom('outbox').select('id')).orderBy('id').limit(limit).forUpdate().skipLocked().execute();
      if (!picked.length) return [];
      return (await claim(trx, picked.map((r: { id: number }) => Number(r.id)))).map(fromRow).sort((a, b) => a.id - b.id);
    });
  }
  // SQLite: one statement, so the select and the update cannot interleave with another claimer.
  const rows = (await due(
    db
      .updateTable('outbox')
      .set({ status: 'sending', lease_until: leaseUntil, locked_by: workerId, attempts: sql`attempts + 1` })
      .where('id', 'in', (eb: any) => due(eb.selectFrom('outbox').select('id')).orderBy('id').limit(limit)),
  )
    .returningAll()
    .execute()) as Selectable<OutboxTable>[];
  return rows.map(fromRow).sort((a, b) => a.id - b.id);
}

// SQLite: the rows due are read from the two delivery indexes in their order, expired leases first,
// then pending rows by when they are due (a digest run's rows are all due at once, so in the order
// they were recorded), and each read stops at the limit. Ordering all due rows by id instead sorted
// the whole backlog on every claim, and a run composes far ahead of delivery (21,000 rows pending
// 20 s into a 30,000-subscriber run): a claim of 64 took 4.6 ms with 21,000 pending, 2.7 ms this
// way, most of it the update of the 64 rows (load ~8).
const claimStatements = new WeakMap<SqliteDatabase.Database, SqliteDatabase.Statement>();

function claimOutboxSqlite(sqlite: SqliteDatabase.Database, workerId: string, now: string, leaseUntil: string, limit: number): OutboxRow[] {
  let claim = claimStatements.get(sqlite);
  if (!claim) {
    claim = sqlite.prepare(
      `update outbox set status = 'sending', lease_until = @leaseUntil, locked_by = @workerId, attempts = attempts + 1
       where id in (
         select id from (select id from outbox where status = 'sending' and lease_until < @now order by lease_until limit @limit)
         union all
         select id from (select id from outbox where status = 'pending' and next_attempt_at <= @now order by next_attempt_at limit @limit)
         limit @limit)
       returning *`,
    );
    claimStatements.set(sqlite, claim);
  }
  return (claim.all({ workerId, now, leaseUntil, limit }) as Selectable<OutboxTable>[]).map(fromRow).sort((a, b) => a.id - b.id);
}

// The two queries of the delivery ledger run once per event-loop turn of a digest run (about one
// for every two or three messages). On SQLite, Kysely compiling them and SQLite preparing them anew
// each time cost more than running them, so they are prepared once per connection and number of ids
// (at most the messages in flight). They run on the connection directly, which is safe because a
// better-sqlite3 statement runs to its end at once; only when another caller's transaction is open
// on the connection do they go through Kysely, which waits for it to finish.
const ledgerStatements = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>();

function ledgerStatement(store: Pick<Store, 'sqlite'>, query: 'held' | 'commit', count: number): SqliteDatabase.Statement | undefined {
  const sqlite = store.sqlite;
  if (!sqlite || sqlite.inTransaction || count > 64) return undefined;
  let statements = ledgerStatements.get(sqlite);
  if (!statements) ledgerStatements.set(sqlite, (statements = new Map()));
  const key = `${query}:${count}`;
  let statement = statements.get(key);
  if (!statement) {
    const ids = Array.from({ length: count }, () => '?').join(', ');
    statement = sqlite.prepare(
      query === 'held'
        ? `select id from outbox where id in (${ids}) and status = 'sending' and locked_by = ?`
        : `update outbox set status = 'sent', sent_at = ?, lease_until = null, last_error = null where id in (${ids}) and status = 'sending' and locked_by = ? returning id`,
    );
    statements.set(key, statement.pluck());
  }
  return statement;
}

/** Which of these rows this worker still holds: checked before the end-of-data dot, so a worker
 * whose lease was taken over abandons the transmission instead of delivering a second copy. One
 * query serves every connection that reaches its dot in the same event-loop turn. */
export async function heldOutboxRows(store: Pick<Store, 'db' | 'sqlite'>, ids: number[], workerId: string): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const prepared = ledgerStatement(store, 'held', ids.length);
  if (prepared) return new Set((prepared.all(...ids, workerId) as Array<number | bigint>).map(Number));
  const rows = await store.db.selectFrom('outbox').select('id').where('id', 'in', ids).where('status', '=', 'sending').where('locked_by', '=', workerId).execute();
  return new Set(rows.map((r) => Number(r.id)));
}

/** Marks claimed rows sent once the SMTP server accepted them (only those this worker still holds);
 * returns the ids it marked. The rows accepted in one event-loop turn share one UPDATE. */
export async function commitSentRows(store: Pick<Store, 'db' | 'sqlite'>, ids: number[], workerId: string, now: string): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const prepared = ledgerStatement(store, 'commit', ids.length);
  if (prepared) return new Set((prepared.all(now, ...ids, workerId) as Array<number | bigint>).map(Number));
  const rows = await store.db
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: now, lease_until: null, last_error: null })
    .where('id', 'in', ids)
    .where('status', '=', 'sending')
    .where('locked_by', '=', workerId)
    .returning('id')
    .execute();
  return new Set(rows.map((r) => Number(r.id)));
}

/** A temporary failure: back to pending at `retryAt` (also undoes a commit the server then refused). */
export async function retryLater(db: Db, id: number, workerId: string, error: string, retryAt: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'pending', next_attempt_at: retryAt, lease_until: null, locked_by: null, sent_at: null, last_error: error.slice(0, 1000) })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('status', 'in', ['sending', 'sent'])
    .execute();
}

/** A final state other than sent: failed (permanent error) or skipped (nobody to send to any more). */
export async function finishOutbox(db: Db, id: number, workerId: string, status: 'failed' | 'skipped', error: string | null, now: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status, lease_until: null, sent_at: null, last_error: error?.slice(0, 1000) ?? null, next_attempt_at: now })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('status', 'in', ['sending', 'sent'])
    .execute();
}

/** Gives back leases of rows not started (graceful stop, pause), uncounted, so another worker resumes at once. */
export async function releaseOutboxLeases(db: Db, workerId: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'pending', lease_until: null, locked_by: null, attempts: sql`attempts - 1` })
    .where('status', '=', 'sending')
    .where('locked_by', '=', workerId)
    .execute();
}

export async function getOutboxRow(db: Db, id: number): Promise<OutboxRow | undefined> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row && fromRow(row);
}

export async function outboxRowsOf(db: Db, subscriberId: number): Promise<OutboxRow[]> {
  return (await db.selectFrom('outbox').selectAll().where('subscriber_id', '=', subscriberId).orderBy('id').execute()).map(fromRow);
}

/** Row counts by status, for a period prefix such as 'daily:2026-11-27' or all rows. */
export async function outboxCounts(db: Db, periodPrefix?: string): Promise<Record<string, number>> {
  let q = db.selectFrom('outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status');
  if (periodPrefix) q = q.where('period', 'like', `${periodPrefix}%`);
  const rows = await q.execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

// The switchboard: a pause survives restarts until someone resumes delivery.
export async function getMailPause(db: Db): Promise<string | undefined> {
  const row = await db.selectFrom('mail_control').select('value').where('key', '=', 'paused').executeTakeFirst();
  return row?.value;
}

export async function setMailPause(db: Db, reason: string, now: string): Promise<void> {
  await db
    .insertInto('mail_control')
    .values({ key: 'paused', value: reason, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: reason, updated_at: now }))
    .execute();
}

export async function clearMailPause(db: Db): Promise<void> {
  await db.deleteFrom('mail_control').where('key', '=', 'paused').execute();
}
