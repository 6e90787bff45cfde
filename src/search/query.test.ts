import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, withoutChip } from './query.js';
import { compileMatch } from './sqlite/match.js';

test('operators become filters, everything else plain words', () => {
  const q = parseQuery('"graph neural" -survey author:hinton cat:cs.cl year:2024 has:code transformers');
  assert.deepEqual(q.text.phrases, [['graph', 'neural']]);
  assert.deepEqual(q.text.excluded, [['survey']]);
  assert.deepEqual(q.text.authors, [['hinton']]);
  assert.deepEqual(q.text.terms, ['transformers']);
  assert.deepEqual(q.filters.categories, ['cs.CL']);
  assert.equal(q.filters.after, '2024-01-01');
  assert.equal(q.filters.before, '2024-12-31');
  assert.equal(q.filters.hasCode, true);
  assert.equal(q.text.prefix, 'transformers');
  assert.equal(q.chips.length, 4);
});

test('after/before accept partial dates and reject impossible ones as words', () => {
  assert.equal(parseQuery('x after:2024-02').filters.after, '2024-02-01');
  assert.equal(parseQuery('x before:2024-02').filters.before, '2024-02-29');
  const bad = parseQuery('x before:2024-02-31');
  assert.equal(bad.filters.before, undefined);
  assert.deepEqual(bad.text.phrases, [['2024', '02', '31']]);
});

test('a trailing space ends prefix matching of the last word', () => {
  assert.equal(parseQuery('neural netw').text.prefix, 'netw');
  assert.equal(parseQuery('neural netw ').text.prefix, undefined);
});

test('FTS5 syntax typed by a user is quoted into plain words', () => {
  for (const input of ['a NEAR(b c)', 'title:foo', '*', '"', 'a OR b AND NOT c', '(((', '{title}: x', '^start', 'x"y', "it's"]) {
    const m = compileMatch(parseQuery(input).text);
    if (m === undefined) continue;
    // Outside quoted strings only our own operators and column names may appear.
    const outside = m.replace(/"(?:[^"]|"")*"/g, '');
    assert.match(outside, /^[\s()*]*(?:(?:OR|AND|NOT|authors :)[\s()*]*)*$/, `${input} -> ${m}`);
  }
});

test('removing a chip keeps the rest of the query', () => {
  assert.equal(withoutChip('graph cat:cs.LG year:2024', 'cat:cs.LG'), 'graph year:2024');
});

test('ten thousand characters parse quickly into a bounded query', () => {
  const t = Date.now();
  const q = parseQuery('"'.repeat(5000) + 'x '.repeat(2500));
  assert.ok(Date.now() - t < 200);
  assert.ok(q.text.terms.length + q.text.phrases.length <= 32);
});

test('score fusion: a lone keyword hit keeps its weight; weights scale each side', async () => {
  const { fuseScores } = await import('./search.js');
  const fused = fuseScores(
    [
      [{ paperId: 'k', score: 7 }],
      [
        { paperId: 'v1', score: 0.9 },
        { paperId: 'v2', score: 0.5 },
      ],
    ],
    [1, 0.25],
  );
  assert.deepEqual(fused.map((h) => h.paperId), ['k', 'v1', 'v2']);
  assert.equal(fused[0].score, 1);
  assert.equal(fused[1].score, 0.25);
});
