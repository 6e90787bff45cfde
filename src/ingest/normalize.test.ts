import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanText, findLinks, normalisePaper, texToUnicode } from './normalize.js';

test('TeX accents in author names become Unicode (author pages find them)', () => {
  const cases: Array<[string, string]> = [
    ["B\\'ela Bollob\\'as", 'Béla Bollobás'],
    ['Joaquim Ortega-Cerd\\`a', 'Joaquim Ortega-Cerdà'],
    ['H{\\aa}kan Samuelsson Kalm', 'Håkan Samuelsson Kalm'],
    ['M. \\v{C}ern\\\'y', 'M. Černý'],
    ['F. {\\"O}zt\\"urk', 'F. Öztürk'],
    ["D\\'{\\i}az", 'Díaz'],
    ['Paul Erd\\H{o}s', 'Paul Erdős'],
    ['Ma{\\l}gorzata', 'Małgorzata'],
    ['Plain Name', 'Plain Name'],
  ];
  for (const [tex, name] of cases) assert.equal(texToUnicode(tex), name, tex);
});

test('whitespace of hard-wrapped text collapses; single spaces stay', () => {
  assert.equal(cleanText('  A fully\n  differential\tcalculation \r\n'), 'A fully differential calculation');
  assert.equal(cleanText(null), '');
});

test('code links: repositories cut to owner/name, trailing punctuation dropped, project pages kept', () => {
  assert.deepEqual(findLinks('Code is available at https://github.com/foo/bar-baz.', 'see https://www.github.com/foo/bar-baz/tree/main'), { code: ['https://github.com/foo/bar-baz'] });
  assert.deepEqual(findLinks('Project page: https://example.org/p/demo; code https://gitlab.com/a/b.git'), { code: ['https://gitlab.com/a/b'], project: 'https://example.org/p/demo' });
  assert.deepEqual(findLinks('no links here', null), {});
});

test('a record without what a paper needs is refused with the reason', () => {
  const base = { id: '2401.01234', version: 1, title: 'T', abstract: 'A', authors: ['X'], categories: ['cs.LG'], publishedAt: '2024-01-02', updatedAt: '2024-01-02', source: 't' };
  assert.ok(normalisePaper(base).ok);
  const refused = (over: object) => {
    const r = normalisePaper({ ...base, ...over });
    return r.ok ? 'accepted' : r.problem;
  };
  assert.equal(refused({ title: '  ' }), 'missing title');
  assert.equal(refused({ abstract: undefined }), 'missing abstract');
  assert.equal(refused({ authors: [] }), 'missing authors');
  assert.equal(refused({ publishedAt: 'yesterday', updatedAt: null }), 'missing or unreadable dates');
  assert.match(refused({ abstract: 'a'.repeat(20_000) }), /abstract is 20000 characters/);
  assert.match(refused({ authors: ['x'.repeat(400)] }), /author name is 400 characters/);
  assert.equal(refused({ version: 0 }), 'bad version 0');
});
