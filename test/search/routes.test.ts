// The search page and suggestions through Fastify inject(), over a real SQLite store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestContext } from '../helpers.js';
import { upsertPapers } from '../../src/store/papers.js';
import { buildApp } from '../../src/web/app.js';
import { corpus } from './corpus.js';

async function withApp(fn: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<void>) {
  const ctx = await makeTestContext();
  await upsertPapers(ctx.store.db, [...corpus, { ...corpus[0], id: '2401.00099', title: 'Evil <script>alert(1)</script> attention', abstract: 'An <img src=x onerror=alert(1)> attention abstract.' }], ctx.clock.now().toISOString());
  const app = await buildApp(ctx);
  try {
    await fn(app);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
}

test('results page highlights matches and escapes paper text', () =>
  withApp(async (app) => {
    const res = await app.inject({ url: '/search?q=attention' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<mark>Attention<\/mark> Is All You Need/);
    assert.ok(!res.body.includes('<script>alert'));
    assert.ok(!res.body.includes('<img src=x'));
    assert.match(res.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(res.body, /2 papers/);
  }));

test('filter chips link to the query without them; no results offers a way out', () =>
  withApp(async (app) => {
    const res = await app.inject({ url: '/search?q=' + encodeURIComponent('molecules cat:cs.CV') });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /No papers found/);
    assert.match(res.body, /href="\/search\?q=molecules"/);
    const typo = await app.inject({ url: '/search?q=resdual' });
    assert.match(typo.body, /Did you mean <a href="\/search\?q=residual">residual<\/a>/);
  }));

test('hostile and odd input gives a page, never a 500', () =>
  withApp(async (app) => {
    for (const q of ['"', 'NEAR(', '*', 'x'.repeat(10_000), '<script>', '-', 'cat:"', '%00']) {
      const res = await app.inject({ url: '/search?q=' + encodeURIComponent(q) + '&mode=bogus&sort=bogus&page=-3' });
      assert.equal(res.statusCode, 200, q);
      assert.ok(!res.body.includes('<script>alert') && !res.body.includes('value="<script>'), q);
    }
    const arr = await app.inject({ url: '/search?q=a&q=b' });
    assert.equal(arr.statusCode, 200);
  }));

test('a pasted arXiv id or link redirects to the paper; unknown ids explain, without importing for guests', () =>
  withApp(async (app) => {
    const res = await app.inject({ url: '/search?q=' + encodeURIComponent('https://arxiv.org/abs/2401.00003v2') });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/papers/2401.00003');
    const unknown = await app.inject({ url: '/search?q=2501.99999' });
    assert.equal(unknown.statusCode, 200);
    assert.match(unknown.body, /Sign in<\/a> to import it/);
  }));

test('pagination links and result counts', () =>
  withApp(async (app) => {
    const res = await app.inject({ url: '/search?q=neural&sort=date' });
    assert.match(res.body, /3 papers/);
    assert.match(res.body, /<strong>date<\/strong>/);
    assert.ok(!res.body.includes('rel="next"'));
  }));

test('title suggestions as JSON, and the script that shows them', () =>
  withApp(async (app) => {
    const res = await app.inject({ url: '/search/suggest?q=deep%20resid' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().suggestions.map((s: { id: string }) => s.id), ['2401.00002']);
    const js = await app.inject({ url: '/search/assets/suggest.js' });
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    assert.match(js.body, /textContent = s.title/);
  }));
