import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosineInt8, quantizeInt8 } from './int8-vectors.js';

function unitVector(seed: number, dims: number): Float32Array {
  let a = seed;
  const v = Float32Array.from({ length: dims }, () => {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    return a / 2 ** 32 - 0.5;
  });
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

test('int8 copies keep cosine similarity within 0.005 of the float vectors', () => {
  const q = unitVector(1, 512);
  for (let s = 2; s < 50; s++) {
    const v = unitVector(s, 512);
    // A neighbour of q as well as a random vector, so that high similarities are checked too.
    const near = q.map((x, i) => x + 0.3 * v[i]);
    for (const w of [v, near]) {
      const c8 = cosineInt8(q, quantizeInt8(w));
      assert.ok(Math.abs(c8 - cosine(q, w) / Math.hypot(...w)) < 0.005, `${c8} vs ${cosine(q, w)}`);
    }
  }
});

test('the largest component maps to 127 and a zero vector to zeros (cosine 0)', () => {
  const v8 = new Int8Array(quantizeInt8(Float32Array.from([0.5, -1, 0.25, 0])).buffer.slice(0));
  assert.deepEqual(Array.from(v8.subarray(0, 4)), [64, -127, 32, 0]);
  assert.equal(cosineInt8(Float32Array.from([1, 0]), quantizeInt8(new Float32Array(2))), 0);
});
