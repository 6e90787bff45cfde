// An injection corpus put into titles, abstracts, author names, comments and query strings: the
// rendered HTML must stay harmless (no script, no event handlers, no javascript: URLs, bounded math).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { makeTestContext, type TestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { get, paper, post, seed, signedIn } from './support.js';

const corpus = [
  '<script>alert(1)</script>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '<svg onload=alert(1)><circle r=1 /></svg>',
  '<svg><script>alert(1)</script></svg>',
  '<a href="javascript:alert(1)">click</a>',
  'javascript:alert(1)',
  '<iframe src="https://evil.example"></iframe>',
  '<body onload=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '$\\href{javascript:alert(1)}{click}$',
  '$\\url{javascript:alert(1)}$',
  '$\\htmlData{onclick=alert(1)}{x}$',
  '$\\htmlClass{x" onmouseover="alert(1)}{x}$',
  '$\\htmlStyle{background:url(javascript:alert(1))}{x}$',
  '$\\includegraphics{https://evil.example/x.png}$',
  '$\\def\\a{\\a\\a}\\a$',
  '$\\def\\b{\\b x}\\b$',
  '$\\rule{100000em}{100000em}$',
  '$$\\begin{array}{c}' + 'x\\\\'.repeat(500) + '\\end{array}$$',
  '$<img src=x onerror=alert(1)>$',
  '[x](javascript:alert(1)) [y](data:text/html,<script>alert(1)</script>) ![z](https://evil.example/t.png)',
  '<style>body{display:none}</style>',
  '{{constructor.constructor("alert(1)")()}}',
];

let ctx: TestContext;
let app: FastifyInstance;

before(async () => {
  ctx = await makeTestContext();
  await seed(
    ctx,
    corpus.map((c, i) =>
      paper(`2412.${String(i).padStart(5, '0')}`, {
        title: `T${i} ${c}`,
        abstract: `Abstract ${c} and more ${c}`,
        authors: [`Eve ${c}`, 'Bob'],
        comments: c,
        journalRef: c,
        license: 'javascript:alert(1)',
        links: { abs: 'javascript:alert(1)', pdf: 'data:text/html,x', code: ['javascript:alert(2)'], project: 'vbscript:x' },
      }),
    ),
  );
  app = await buildApp(ctx);
});
after(async () => {
  await app.close();
  await ctx.cleanup();
});

/** Every way the corpus could have become active markup. */
function assertHarmless(html: string, where: string): void {
  const scripts = html.match(/<script\b[^>]*>/gi) ?? [];
  assert.deepEqual(scripts, ['<script src="/assets/site.js" defer>'], `${where}: only our own script file`);
  for (const tag of html.match(/<[a-zA-Z][^\s/>]*(?:\s+[^\s=>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*\s*\/?>/g) ?? []) {
    const name = /^<([a-zA-Z][^\s/>]*)/.exec(tag)![1].toLowerCase();
    assert.ok(!['iframe', 'object', 'embed', 'style', 'base', 'img', 'frame', 'applet'].includes(name), `${where}: injected ${tag}`);
    for (const a of tag.slice(name.length + 1).matchAll(/\s+([^\s=>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?/g)) {
      const attr = a[1].toLowerCase();
      const value = (a[2] ?? '').replace(/^["']|["']$/g, '').replace(/&#?\w+;/g, '').trim();
      assert.ok(!attr.startsWith('on'), `${where}: event handler ${attr} in ${tag}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(attr)) assert.doesNotMatch(value, /^(javascript|data|vbscript):/i, `${where}: dangerous URL in ${tag}`);
      if (attr === 'style') {
        const sizes = [...value.matchAll(/(\d+(?:\.\d+)?)em/g)].map((m) => Number(m[1]));
        assert.ok(sizes.every((n) => n < 1000), `${where}: math sizes stay bounded in ${tag}`);
        assert.doesNotMatch(value, /url\(/i, `${where}: no URLs in styles`);
      }
    }
  }
}

test('titles, abstracts, author names and metadata are harmless on every page type', async () => {
  const pages = ['/', '/papers/date/2026-11-20', '/papers/week/2026-W47', '/authors/Bob', '/categories/cs.LG'];
  for (let i = 0; i < corpus.length; i++) pages.push(`/papers/2412.${String(i).padStart(5, '0')}`);
  for (const url of pages) {
    const started = Date.now();
    const r = await get(app, url);
    assert.equal(r.statusCode, 200, url);
    assertHarmless(r.body, url);
    assert.ok(Date.now() - started < 3000, `${url} renders quickly despite hostile math`);
  }
  const one = (await get(app, '/papers/2412.00000')).body;
  assert.match(one, /T0 &lt;script&gt;alert\(1\)&lt;\/script&gt;/); // shown as text, not dropped
});

test('author pages for hostile names are harmless', async () => {
  for (const c of corpus.slice(0, 10)) {
    const r = await get(app, `/authors/${encodeURIComponent(`Eve ${c}`)}`);
    assert.ok([200, 400].includes(r.statusCode), c);
    assertHarmless(r.body, `author ${c}`);
  }
});

test('comments with the corpus are harmless', async () => {
  const b = await signedIn(ctx, 'mallory@example.org');
  for (const c of corpus) {
    ctx.clock.advance(31_000); // stay under the per-account comment limit
    const r = await post(app, '/papers/2412.00001/comments', b, { body: c });
    assert.equal(r.statusCode, 303, c);
  }
  const page = await get(app, '/papers/2412.00001', b);
  assertHarmless(page.body, 'comments (signed in, with edit forms)');
  assertHarmless((await get(app, '/papers/2412.00001')).body, 'comments (anonymous)');
});

test('query strings are harmless (or refused) on every page that reads them', async () => {
  for (const c of corpus.slice(0, 10)) {
    const q = encodeURIComponent(c);
    for (const url of [`/signin?next=${q}`, `/papers/date?day=${q}`, `/papers/date/2026-11-20?sort=${q}`, `/categories/cs.LG?page=${q}`, `/papers/${q}`, `/authors/Bob?page=1&x=${q}`, `/nope/${q}`]) {
      const r = await get(app, url);
      assert.ok(r.statusCode < 500, `${url} → ${r.statusCode}`);
      if (r.headers['content-type']?.toString().includes('text/html')) assertHarmless(r.body, url);
      if (r.statusCode >= 300 && r.statusCode < 400) assert.match(r.headers.location as string, /^\/(?!\/)/, `${url} redirects locally`);
    }
  }
});
