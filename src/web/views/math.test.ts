import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mathText, plainText, splitMath } from './math.js';
import { renderMarkdown } from './markdown.js';
import { excerpt } from './paper-item.js';

test('math is found in $…$, $$…$$, \\(…\\) and \\[…\\]; escaped dollars and prices stay text', () => {
  assert.deepEqual(
    splitMath('a $x$ b $$y$$ c \\(z\\) d \\[w\\]').filter((p) => p.math).map((p) => (p.math ? [p.tex, p.display] : null)),
    [['x', false], ['y', true], ['z', false], ['w', true]],
  );
  assert.equal(mathText('costs \\$5 and \\$6').value, 'costs $5 and $6');
  assert.equal(plainText('The $\\alpha$-model'), 'The \\alpha-model');
});

test('text around math is escaped; hostile TeX becomes an error message, not a link', () => {
  const out = mathText('<b>x</b> $\\href{javascript:alert(1)}{y}$').value;
  assert.match(out, /^&lt;b&gt;x&lt;\/b&gt; <span class="katex/);
  assert.doesNotMatch(out, /<a /);
  assert.doesNotMatch(out, /href="javascript/);
});

test('excerpts never cut a formula in half', () => {
  const e = excerpt('We prove that $\\sum_{i=1}^{n} x_i^2 \\le n$ holds always.', 30);
  assert.equal((e.match(/\$/g) ?? []).length % 2, 0);
  assert.ok(e.endsWith('…'));
});

test('comment Markdown: emphasis, code and http links; no HTML, images or script links', () => {
  const out = renderMarkdown('**b** `c` [ok](https://x.org) [no](javascript:alert(1)) ![i](https://x.org/i.png) <i>raw</i> $a^2$');
  assert.match(out, /<strong>b<\/strong>/);
  assert.match(out, /<code>c<\/code>/);
  assert.match(out, /<a href="https:\/\/x\.org" rel="nofollow ugc noopener">ok<\/a>/);
  assert.doesNotMatch(out, /<img|<i>|href="javascript/);
  assert.match(out, /class="katex"/);
});
