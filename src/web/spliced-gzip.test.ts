import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { SplicedGzip } from './spliced-gzip.js';

const token = () => Buffer.from(randomBytes(32).toString('base64url'));
const joined = (parts: string[], value: Buffer) => parts.join(value.toString());

function roundTrip(parts: string[]): void {
  const spliced = SplicedGzip.build(parts.map((p) => Buffer.from(p)), 43);
  assert.ok(spliced);
  for (let i = 0; i < 3; i++) {
    const value = token();
    assert.equal(gunzipSync(spliced.render(value)).toString(), joined(parts, value));
  }
}

test('a page with the token in several places decompresses to the page with that token', () => {
  const row = (i: number) => `<li class="paper"><a href="/papers/2607.${String(i).padStart(5, '0')}">A title about diffusion models ${i}</a> — Ada Lovelace et al.</li>\n`;
  const list = Array.from({ length: 400 }, (_, i) => row(i)).join('');
  roundTrip([`<!doctype html><meta name="csrf-token" content="`, `">${list}<form><input name="_csrf" value="`, `"></form>${list}<form><input name="_csrf" value="`, `"></form></html>`]);
});

test('slots at the edges, side by side, and a page without slots', () => {
  roundTrip(['', 'middle', '']);
  roundTrip(['a', '', '', 'b']);
  roundTrip(['only text, no slot '.repeat(50)]);
  roundTrip(['']);
});

test('text repeated across slots is compressed against the earlier parts and still decodes exactly', () => {
  // The same long run before and after each slot invites back-references across the slot.
  const run = 'value="abcdefghijklmnopqrstuvwxyz0123456789-_ABCDEFG" '.repeat(40);
  const parts = Array.from({ length: 12 }, () => run);
  roundTrip(parts);
  const spliced = SplicedGzip.build(parts.map((p) => Buffer.from(p)), 43)!;
  assert.ok(spliced.render(token()).length < run.length * 2, 'repeated parts compress against each other');
});

test('parts longer than the 32 KiB window and multi-byte text', () => {
  const long = Array.from({ length: 3000 }, (_, i) => `Schrödinger ∑ ${i} naïve café `).join('');
  roundTrip([long, long.slice(0, 40_000), long]);
});

test('pages it cannot splice safely are refused, and a value of the wrong length is rejected', () => {
  assert.equal(SplicedGzip.build([Buffer.from('a\0b'), Buffer.from('c')], 43), null);
  const spliced = SplicedGzip.build([Buffer.from('a'), Buffer.from('b')], 43)!;
  assert.throws(() => spliced.render(Buffer.from('short')), RangeError);
});
