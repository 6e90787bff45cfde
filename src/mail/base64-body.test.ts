import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EncodedPiece, base64Body, joinPieces, type BodyPiece } from './base64-body.js';

function check(pieces: BodyPiece[]): void {
  const body = Buffer.concat(base64Body(pieces)).toString('latin1');
  assert.ok(body === '' || body.endsWith('\r\n'), 'the body ends with a line break');
  for (const line of body.split('\r\n').slice(0, -1)) {
    assert.ok(line.length > 0 && line.length <= 76, `line of ${line.length} characters`);
    assert.equal(line.length % 4, 0, 'whole groups on every line');
  }
  const flat = body.replace(/\r\n/g, '');
  assert.match(flat, /^[A-Za-z0-9+/]*={0,2}$/, 'padding only in the last group');
  assert.deepEqual(Buffer.from(flat, 'base64'), joinPieces(pieces));
}

test('decodes to the pieces, whatever their lengths and alignments', () => {
  const shared = Array.from({ length: 12 }, (_, i) => new EncodedPiece(randomBytes(i * 37 + (i % 3))));
  for (let round = 0; round < 300; round++) {
    const pieces: BodyPiece[] = [];
    const n = Math.floor(Math.random() * 12);
    for (let i = 0; i < n; i++) {
      const r = Math.random();
      // Shared pieces are used again at other alignments; tiny and empty pieces test the carried bytes.
      pieces.push(r < 0.5 ? shared[Math.floor(Math.random() * shared.length)] : randomBytes(Math.floor(r * 10) < 7 ? Math.floor(Math.random() * 4) : Math.floor(Math.random() * 400)));
    }
    check(pieces);
  }
});

test('one piece encodes as standard base64', () => {
  const bytes = randomBytes(1000);
  assert.equal(Buffer.concat(base64Body([bytes])).toString('latin1').replace(/\r\n/g, ''), bytes.toString('base64'));
  assert.deepEqual(base64Body([]), []);
});
