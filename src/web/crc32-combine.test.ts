import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crcCombine, crcShift } from './crc32-combine.js';

test("combining two pieces' CRCs gives zlib's CRC of the whole, for any lengths", () => {
  for (const [a, b] of [[0, 0], [0, 7], [7, 0], [1, 1], [43, 100_000], [74_000, 43], [65_535, 65_537], [3, 1 << 20]]) {
    const [x, y] = [randomBytes(a), randomBytes(b)];
    assert.equal(crcCombine(crc32(x), crc32(y), crcShift(y.length)), crc32(Buffer.concat([x, y])), `${a} + ${b} bytes`);
  }
});
