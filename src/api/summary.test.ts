import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstSentence, keyPhrases } from './summary.js';

test('the summary is the first sentence, as plain text, abbreviations kept inside', () => {
  assert.equal(firstSentence('We train $\\alpha$-nets, e.g. on ImageNet. They work well.'), 'We train α-nets, e.g. on ImageNet.');
  assert.equal(firstSentence('No full stop at all'), 'No full stop at all');
  assert.equal(firstSentence('   '), null);
  const long = firstSentence(`${'word '.repeat(100)}end.`)!;
  assert.ok(long.length <= 300 && long.endsWith('…'));
});

test('key phrases are content-word runs, best connected first, without stop words', () => {
  const phrases = keyPhrases('Sparse mixture of experts for speech recognition', 'We propose a sparse mixture of experts model. Sparse mixture of experts routing improves speech recognition accuracy on noisy benchmarks.');
  assert.ok(phrases.includes('sparse mixture'), phrases.join(', '));
  assert.ok(phrases.some((p) => p.includes('speech recognition')), phrases.join(', '));
  assert.ok(phrases.every((p) => !/\b(we|of|the|a)\b/.test(p)), phrases.join(', '));
  assert.ok(phrases.length <= 5);
  assert.deepEqual(keyPhrases('', ''), []);
});
