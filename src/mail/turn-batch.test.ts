import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TurnBatch } from './turn-batch.js';

test('questions asked in one event-loop turn share one call; later ones get their own', async () => {
  const calls: number[][] = [];
  const batch = new TurnBatch(async (ids: number[]) => {
    calls.push(ids);
    return new Set(ids.filter((id) => id % 2 === 0));
  });
  const first = await Promise.all([batch.ask(1), batch.ask(2), batch.ask(4)]);
  assert.deepEqual(first, [false, true, true]);
  assert.equal(await batch.ask(6), true);
  assert.deepEqual(calls, [[1, 2, 4], [6]]);
});

test('a failing call rejects every question of its turn, and settled() waits for calls still running', async () => {
  let release!: () => void;
  const slow = new TurnBatch(async (ids: number[]) => {
    await new Promise<void>((resolve) => (release = resolve));
    return new Set(ids);
  });
  const answer = slow.ask(1);
  let settled = false;
  const waiting = slow.settled().then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'the call is still running');
  release();
  await waiting;
  assert.equal(await answer, true);

  const failing = new TurnBatch<number>(async () => {
    throw new Error('database gone');
  });
  const results = await Promise.allSettled([failing.ask(1), failing.ask(2)]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  await failing.settled();
});
