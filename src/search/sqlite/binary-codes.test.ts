import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BinaryCodes } from './binary-codes.js';

function hamming(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) for (let x = a[i] ^ b[i]; x; x &= x - 1) s++;
  return s;
}

test('nearest codes by Hamming distance match a brute-force ranking', () => {
  let a = 1;
  const rand = () => {
    // mulberry32: plain LCG low bits repeat too soon for 3,000 distinct codes
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) & 0xff;
  };
  const codes = new BinaryCodes(512);
  const all: Array<{ id: number; bits: Uint8Array }> = [];
  for (let id = 1; id <= 3000; id++) {
    const bits = Uint8Array.from({ length: 64 }, rand);
    all.push({ id, bits });
    codes.add(id, bits);
  }
  const query = Uint8Array.from(all[1234].bits, (b, i) => (i < 2 ? b ^ 0x0f : b)); // 8 bits away from id 1235
  const got = codes.nearest(query, 50);
  assert.equal(got.length, 50);
  assert.equal(got[0], 1235);
  // Every returned code is at least as near as every code left out (the 2-stage scan keeps enough).
  const d = new Map(all.map((c) => [c.id, hamming(c.bits, query)]));
  const worstKept = Math.max(...got.map((id) => d.get(id)!));
  const kept = new Set(got);
  const bestLeft = Math.min(...all.filter((c) => !kept.has(c.id)).map((c) => d.get(c.id)!));
  assert.ok(worstKept <= bestLeft + 24, `kept up to ${worstKept}, left out ${bestLeft}`);
  for (let i = 1; i < got.length; i++) assert.ok(d.get(got[i - 1])! <= d.get(got[i])!);
});

test('asking for more codes than exist returns them all', () => {
  const codes = new BinaryCodes(64);
  codes.add(7, new Uint8Array(8));
  codes.add(9, new Uint8Array(8).fill(255));
  assert.deepEqual(codes.nearest(new Uint8Array(8), 10), [7, 9]);
  assert.equal(codes.maxId, 9);
});
