// SMTP trouble: temporary refusals are retried with backoff, permanent ones mark and then suspend
// the address, a dropped connection mid-DATA is retried, and a run with too many failures pauses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDigests } from '../../src/mail/digest-run.js';
import { deliverOutbox } from '../../src/mail/deliver.js';
import { getSubscriberByEmail } from '../../src/store/subscribers.js';
import { clearMailPause, outboxRowsOf, outboxCounts } from '../../src/store/outbox.js';
import { addPapers, addSubscribers, mailTest, paper } from './helpers.js';

test('421 and 451 answers are retried with backoff until the server accepts, once', async () => {
  const t = await mailTest();
  try {
    await addPapers(t.ctx, [paper('2611.00300')]);
    await addSubscribers(t.ctx, ['busy@example.org']);
    let n = 0;
    t.sink.onMessage = () => (++n === 1 ? { code: 451, message: 'Try again later' } : 'accept');
    let calls = 0;
    t.sink.onRcpt = () => (++calls === 2 ? { code: 421, message: 'Service not available, closing' } : 'accept');
    const first = await runDigests(t.ctx, { period: 'daily', force: true });
    assert.equal(first.delivery?.retry, 1);
    const sub = await getSubscriberByEmail(t.ctx.store.db, 'busy@example.org');
    let [row] = await outboxRowsOf(t.ctx.store.db, sub!.id);
    assert.equal(row.status, 'pending');
    assert.match(row.lastError!, /451/);
    // Not before the backoff has passed.
    assert.equal((await deliverOutbox(t.ctx)).sent, 0);
    t.ctx.clock.advance(61_000);
    const second = await deliverOutbox(t.ctx);
    assert.equal(second.retry, 1, 'the 421 at RCPT is temporary too');
    [row] = await outboxRowsOf(t.ctx.store.db, sub!.id);
    assert.match(row.lastError!, /421/);
    t.ctx.clock.advance(121_000);
    assert.equal((await deliverOutbox(t.ctx)).sent, 1);
    assert.equal(t.sink.received.length, 1);
    [row] = await outboxRowsOf(t.ctx.store.db, sub!.id);
    assert.equal(row.status, 'sent');
    assert.equal(row.attempts, 3);
  } finally {
    await t.done();
  }
});

test('550 for some recipients: their digests fail, the others arrive, repeated hard failures suspend', async () => {
  const t = await mailTest();
  try {
    await addSubscribers(t.ctx, ['gone@example.org', 'ok1@example.org', 'ok2@example.org'], { topN: 0, includeDaily: true });
    t.sink.onRcpt = (to) => (to === 'gone@example.org' ? { code: 550, message: 'No such user' } : 'accept');
    for (let day = 0; day < 3; day++) {
      await addPapers(t.ctx, [paper(`2611.0040${day}`)], `2026-11-2${day}`);
      const r = await runDigests(t.ctx, { period: 'daily', force: true });
      assert.equal(r.delivery?.failed, 1, JSON.stringify(r));
      assert.equal(r.delivery?.sent, 2);
      t.ctx.clock.advance(86_400_000);
    }
    const gone = await getSubscriberByEmail(t.ctx.store.db, 'gone@example.org');
    assert.equal(gone?.hardBounces, 3);
    assert.equal(gone?.status, 'suspended');
    const rows = await outboxRowsOf(t.ctx.store.db, gone!.id);
    assert.ok(rows.every((r) => r.status === 'failed' && /550/.test(r.lastError!)));
    assert.deepEqual(t.sink.received.map((m) => m.to).sort(), ['ok1@example.org', 'ok1@example.org', 'ok1@example.org', 'ok2@example.org', 'ok2@example.org', 'ok2@example.org']);
  } finally {
    await t.done();
  }
});

test('a connection dropped mid-DATA is retried and the digest arrives exactly once', async () => {
  const t = await mailTest();
  try {
    await addPapers(t.ctx, [paper('2611.00500')]);
    await addSubscribers(t.ctx, ['drop@example.org']);
    let n = 0;
    t.sink.onMessage = () => (++n === 1 ? 'drop-mid-data' : 'accept');
    const r = await runDigests(t.ctx, { period: 'daily', force: true });
    assert.equal(r.delivery?.retry, 1);
    assert.equal(t.sink.received.length, 0);
    t.ctx.clock.advance(61_000);
    assert.equal((await deliverOutbox(t.ctx)).sent, 1);
    assert.equal(t.sink.received.length, 1);
  } finally {
    await t.done();
  }
});

test('a run whose failures pass the threshold pauses delivery and says why, until resumed', async () => {
  const t = await mailTest();
  try {
    await addPapers(t.ctx, [paper('2611.00600')]);
    await addSubscribers(t.ctx, Array.from({ length: 40 }, (_, i) => `r${i}@example.org`));
    t.sink.onMessage = () => ({ code: 451, message: 'Greylisted, try later' });
    const r = await runDigests(t.ctx, { period: 'daily', force: true });
    assert.ok(r.paused, 'paused');
    assert.match(r.paused!, /20 of 20 deliveries in this run failed.*451.*digest resume/);
    const counts = await outboxCounts(t.ctx.store.db);
    assert.equal(counts.sending ?? 0, 0, 'no row is left leased');
    assert.equal(counts.pending, 40);
    // Still paused on the next run; nothing is sent.
    t.sink.onMessage = () => 'accept';
    t.ctx.clock.advance(3_600_000);
    assert.ok((await runDigests(t.ctx, { period: 'daily', force: true })).paused);
    assert.equal(t.sink.received.length, 0);
    await clearMailPause(t.ctx.store.db);
    assert.equal((await deliverOutbox(t.ctx)).sent, 40);
  } finally {
    await t.done();
  }
});

test('the rate cap spaces sends on the clock', async () => {
  const t = await mailTest({ PAPERBOY_MAIL_RATE: '2' });
  try {
    await addPapers(t.ctx, [paper('2611.00700')]);
    await addSubscribers(t.ctx, ['a1@example.org', 'a2@example.org', 'a3@example.org', 'a4@example.org', 'a5@example.org']);
    const start = t.ctx.clock.now().getTime();
    await runDigests(t.ctx, { period: 'daily', force: true });
    assert.equal(t.sink.received.length, 5);
    assert.ok(t.ctx.clock.now().getTime() - start >= 2000, '5 mails at 2/s take at least 2 s');
  } finally {
    await t.done();
  }
});
