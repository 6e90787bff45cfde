// The job queue's rules, on whichever engine the suite runs (SQLite, or PostgreSQL when
// PAPERBOY_TEST_DATABASE_URL is set): one pending job per unique key, due time, failure backoff,
// lease expiry, released leases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestContext } from '../../test/helpers.js';
import { claimJob, completeJob, enqueueJob, extendLease, failJob, releaseLeases } from './jobs.js';

const at = (base: string, ms: number) => new Date(Date.parse(base) + ms).toISOString();
const T = '2026-11-20T12:00:00.000Z';

test('a unique key allows one unfinished job at a time, and again once it is done', async () => {
  const ctx = await makeTestContext();
  try {
    const db = ctx.store.db;
    assert.equal(await enqueueJob(db, 'k', {}, T, { uniqueKey: 'periodic:k' }), true);
    assert.equal(await enqueueJob(db, 'k', {}, T, { uniqueKey: 'periodic:k' }), false);
    const job = await claimJob(db, ['k'], 'w', T, at(T, 60_000));
    assert.ok(job);
    assert.equal(await enqueueJob(db, 'k', {}, T, { uniqueKey: 'periodic:k' }), false, 'running counts as unfinished');
    await completeJob(db, job.id, 'w', T);
    assert.equal(await enqueueJob(db, 'k', {}, T, { uniqueKey: 'periodic:k' }), true);
  } finally {
    await ctx.cleanup();
  }
});

test('jobs are claimed when due, oldest first, only of the kinds asked for', async () => {
  const ctx = await makeTestContext();
  try {
    const db = ctx.store.db;
    await enqueueJob(db, 'later', { n: 1 }, T, { runAt: at(T, 60_000) });
    await enqueueJob(db, 'a', { n: 2 }, T, { runAt: at(T, -2000) });
    await enqueueJob(db, 'a', { n: 3 }, T, { runAt: at(T, -1000) });
    assert.equal(await claimJob(db, ['other'], 'w', T, at(T, 1000)), undefined);
    assert.deepEqual((await claimJob(db, ['a', 'later'], 'w', T, at(T, 1000)))?.payload, { n: 2 });
    assert.deepEqual((await claimJob(db, ['a', 'later'], 'w', T, at(T, 1000)))?.payload, { n: 3 });
    assert.equal(await claimJob(db, ['a', 'later'], 'w', T, at(T, 1000)), undefined, 'not due yet');
    assert.deepEqual((await claimJob(db, ['later'], 'w', at(T, 60_000), at(T, 61_000)))?.payload, { n: 1 });
  } finally {
    await ctx.cleanup();
  }
});

test('an expired lease makes a job claimable again; a renewed or released one behaves as expected', async () => {
  const ctx = await makeTestContext();
  try {
    const db = ctx.store.db;
    await enqueueJob(db, 'k', {}, T);
    const first = await claimJob(db, ['k'], 'w1', T, at(T, 10_000));
    assert.equal(first?.attempts, 1);
    assert.equal(await claimJob(db, ['k'], 'w2', at(T, 9_000), at(T, 19_000)), undefined, 'lease still held');
    assert.equal(await extendLease(db, first!.id, 'w1', at(T, 20_000)), true);
    assert.equal(await claimJob(db, ['k'], 'w2', at(T, 15_000), at(T, 25_000)), undefined, 'renewed lease still held');
    const second = await claimJob(db, ['k'], 'w2', at(T, 21_000), at(T, 31_000));
    assert.equal(second?.id, first!.id);
    assert.equal(second?.attempts, 2);
    assert.equal(await extendLease(db, first!.id, 'w1', at(T, 40_000)), false, 'the old worker lost it');
    await completeJob(db, first!.id, 'w1', at(T, 22_000)); // a late finish by the old worker changes nothing
    assert.equal((await db.selectFrom('jobs').select('status').executeTakeFirstOrThrow()).status, 'running');

    await releaseLeases(db, 'w2');
    const row = await db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.status, 'pending');
    assert.equal(row.attempts, 1, 'a released claim is not counted as an attempt');
    assert.ok(await claimJob(db, ['k'], 'w3', at(T, 22_000), at(T, 32_000)));
  } finally {
    await ctx.cleanup();
  }
});

test('a failed job waits for its retry time; without one it is marked failed', async () => {
  const ctx = await makeTestContext();
  try {
    const db = ctx.store.db;
    await enqueueJob(db, 'k', {}, T);
    const job = await claimJob(db, ['k'], 'w', T, at(T, 1000));
    await failJob(db, job!.id, 'w', 'boom', T, at(T, 30_000));
    assert.equal(await claimJob(db, ['k'], 'w', at(T, 29_000), at(T, 40_000)), undefined);
    const again = await claimJob(db, ['k'], 'w', at(T, 30_000), at(T, 40_000));
    assert.equal(again?.attempts, 2);
    await failJob(db, again!.id, 'w', 'boom again', at(T, 30_000), null);
    const row = await db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.status, 'failed');
    assert.equal(row.last_error, 'boom again');
    assert.equal(await claimJob(db, ['k'], 'w', at(T, 10_000_000), at(T, 10_001_000)), undefined);
  } finally {
    await ctx.cleanup();
  }
});
