import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArxivId } from './arxiv-id.js';

test('accepts every way people paste an arXiv id', () => {
  const cases: Array<[string, string, number | null]> = [
    ['2401.01234', '2401.01234', null],
    ['2401.01234v3', '2401.01234', 3],
    ['arXiv:2401.01234v2', '2401.01234', 2],
    ['https://arxiv.org/abs/2401.01234', '2401.01234', null],
    ['http://www.arxiv.org/pdf/2401.01234v1.pdf', '2401.01234', 1],
    ['export.arxiv.org/abs/0704.0001', '0704.0001', null],
    ['hep-th/9901001', 'hep-th/9901001', null],
    ['https://arxiv.org/abs/math.GT/0309136v2', 'math.GT/0309136', 2],
    ['  arxiv:quant-ph/0201082v1 ', 'quant-ph/0201082', 1],
  ];
  for (const [input, id, version] of cases) assert.deepEqual(parseArxivId(input), { id, version }, input);
});

test('rejects what is not an arXiv id', () => {
  for (const input of ['', 'hello', '2413.01234', '12345.678', 'javascript:alert(1)', 'https://example.org/abs/2401.01234', 'x'.repeat(400)]) {
    assert.equal(parseArxivId(input), null, input);
  }
});
