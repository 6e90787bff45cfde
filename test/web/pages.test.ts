// The HTML pages through inject() on a real SQLite store: lists, paper pages, author and category
// pages, caching headers and invalidation, security headers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { makeTestContext, type TestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { anonymous, get, paper, post, seed, signedIn } from './support.js';

let ctx: TestContext;
let app: FastifyInstance;

before(async () => {
  ctx = await makeTestContext();
  await seed(ctx, [paper('2411.00001', { title: 'First paper', publishedAt: '2026-11-18T00:00:00Z' }), paper('2411.00002', { title: 'Second paper', publishedAt: '2026-11-19T00:00:00Z' })], '2026-11-20');
  await seed(ctx, [paper('hep-th/9901001', { title: 'An old-style paper', authors: ['Léon Bottou'], categories: ['hep-th'], version: 3 })], '2026-11-10');
  app = await buildApp(ctx);
});
after(async () => {
  await app.close();
  await ctx.cleanup();
});

describe('daily list', () => {
  test('the home page shows the latest list with titles, math, authors, et al., categories and the subscribe box', async () => {
    const r = await get(app, '/');
    assert.equal(r.statusCode, 200);
    assert.match(r.headers['content-type'] as string, /text\/html/);
    assert.match(r.body, /First paper/);
    assert.match(r.body, /Second paper/);
    assert.doesNotMatch(r.body, /An old-style paper/); // that one is on another day
    assert.match(r.body, /class="katex"/); // $x^2$ in the abstract start is rendered
    assert.match(r.body, /et al\./);
    assert.match(r.body, /href="\/categories\/cs\.LG"/);
    assert.match(r.body, /Get trending papers in your email inbox/);
    assert.match(r.body, /action="\/subscribe"[\s\S]*?name="_csrf" value="[\w-]{20,}"/);
    assert.match(r.body, /rel="prev" href="\/papers\/date\/2026-11-10"/);
  });

  test('sorting by newest puts the most recently published first; by upvotes the most upvoted', async () => {
    const newest = (await get(app, '/papers/date/2026-11-20?sort=newest')).body;
    assert.ok(newest.indexOf('Second paper') < newest.indexOf('First paper'));
    const voter = await signedIn(ctx, 'sorter@example.org');
    await post(app, '/papers/2411.00001/upvote', voter, { want: '1' });
    const top = (await get(app, '/papers/date/2026-11-20')).body;
    assert.ok(top.indexOf('First paper') < top.indexOf('Second paper'));
  });

  test('an empty day says so and links to the nearest days with papers', async () => {
    const r = await get(app, '/papers/date/2026-11-15');
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /No papers on the list for this day/);
    assert.match(r.body, /href="\/papers\/date\/2026-11-10"/);
    assert.match(r.body, /href="\/papers\/date\/2026-11-20"/);
  });

  test('week and month views gather the days of their period', async () => {
    const week = await get(app, '/papers/week/2026-W47'); // 16–22 November
    assert.equal(week.statusCode, 200);
    assert.match(week.body, /First paper/);
    assert.doesNotMatch(week.body, /An old-style paper/);
    const month = await get(app, '/papers/month/2026-11');
    assert.match(month.body, /First paper/);
    assert.match(month.body, /An old-style paper/);
    assert.match(month.body, /href="\/papers\/month\/2026-10"/);
  });

  test('malformed dates, weeks and months are a clear 400, never a 500', async () => {
    for (const url of ['/papers/date/2026-13-45', '/papers/date/yesterday', '/papers/week/2026-W60', '/papers/month/2026-00', '/papers/date?day=%3Cscript%3E']) {
      const r = await get(app, url);
      assert.equal(r.statusCode, 400, url);
      assert.match(r.body, /look like/);
    }
  });

  test('the date picker redirects to the chosen day', async () => {
    const r = await get(app, '/papers/date?day=2026-11-10');
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, '/papers/date/2026-11-10');
  });
});

describe('paper page', () => {
  test('shows title, all authors linked, categories, links, BibTeX, Open Graph and feed links', async () => {
    const r = await get(app, '/papers/2411.00002');
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /<title>Second paper · paperboy<\/title>/);
    assert.match(r.body, /<meta property="og:title" content="Second paper">/);
    assert.match(r.body, /<meta name="description" content="We study x\^2/);
    for (const a of ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra']) assert.match(r.body, new RegExp(`href="/authors/${encodeURIComponent(a)}"`));
    assert.match(r.body, /href="https:\/\/arxiv\.org\/pdf\/2411\.00002"/);
    assert.match(r.body, /@misc\{lovelace2026/);
    assert.match(r.body, /eprint = \{2411\.00002\}/);
    assert.match(r.body, /rel="alternate" type="application\/rss\+xml"[^>]*href="\/feeds\/category\/cs\.LG\.rss"/);
    assert.match(r.body, /id="discussion"/);
  });

  test('old-style ids and versioned ids reach the same paper', async () => {
    for (const url of ['/papers/hep-th/9901001', '/papers/hep-th/9901001v2', '/papers/hep-th%2F9901001']) {
      const r = await get(app, url);
      assert.equal(r.statusCode, 200, url);
      assert.match(r.body, /An old-style paper/);
    }
    const v = await get(app, '/papers/2411.00001v7');
    assert.match(v.body, /First paper/);
  });

  test('an unknown paper is a 404 page that suggests submitting it', async () => {
    const r = await get(app, '/papers/2411.99999');
    assert.equal(r.statusCode, 404);
    assert.match(r.body, /submit page/);
  });
});

describe('author and category pages', () => {
  test('an author page matches names regardless of accents and case, newest first', async () => {
    const r = await get(app, '/authors/leon%20bottou');
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /<h1>Léon Bottou<\/h1>/);
    assert.match(r.body, /An old-style paper/);
    const ada = (await get(app, '/authors/Ada%20Lovelace')).body;
    assert.ok(ada.indexOf('Second paper') < ada.indexOf('First paper'));
  });

  test('a category page lists its papers and paginates', async () => {
    const many = Array.from({ length: 30 }, (_, i) => paper(`2410.${String(i).padStart(5, '0')}`, { categories: ['math.GT'], publishedAt: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z` }));
    await seed(ctx, many, '2026-10-30');
    const p1 = await get(app, '/categories/math.GT');
    assert.equal((p1.body.match(/<li class="paper"/g) ?? []).length, 25);
    assert.match(p1.body, /href="\/categories\/math\.GT\?page=2"/);
    const p2 = await get(app, '/categories/math.GT?page=2');
    assert.equal((p2.body.match(/<li class="paper"/g) ?? []).length, 5);
    assert.equal((await get(app, '/categories/%3Cx%3E')).statusCode, 400);
    assert.equal((await get(app, '/categories/math.GT?page=-1')).statusCode, 400);
  });
});

describe('caching', () => {
  test('pages carry an ETag; a matching If-None-Match gets 304', async () => {
    const b = anonymous(ctx);
    const r = await get(app, '/papers/2411.00001', b);
    const tag = r.headers.etag as string;
    assert.ok(tag);
    assert.match(r.headers['cache-control'] as string, /no-cache/);
    const again = await get(app, '/papers/2411.00001', b, { 'if-none-match': tag });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  test('the cached page changes as soon as its data changes (upvote seen by anonymous readers)', async () => {
    const reader = anonymous(ctx);
    const count = (body: string) => Number(/data-paper="2411\.00002"[\s\S]*?upvotes:<\/span> (\d+)/.exec(body)?.[1]);
    const beforeVotes = count((await get(app, '/papers/date/2026-11-20', reader)).body);
    const voter = await signedIn(ctx, 'cache@example.org');
    await post(app, '/papers/2411.00002/upvote', voter, { want: '1' });
    assert.equal(count((await get(app, '/papers/date/2026-11-20', reader)).body), beforeVotes + 1);
  });

  test('browsers that take gzip get the cached page compressed, with their own token, and nothing else changes', async () => {
    const a = anonymous(ctx);
    const b = anonymous(ctx);
    const plain = await get(app, '/', a);
    const gz = { 'accept-encoding': 'gzip, deflate, br' };
    for (let i = 0; i < 2; i++) {
      // The first request builds the compressed copy, the second serves it from the cache.
      const ra = await get(app, '/', a, gz);
      assert.equal(ra.headers['content-encoding'], 'gzip');
      assert.match(ra.headers.vary as string, /Accept-Encoding/);
      assert.equal(gunzipSync(ra.rawPayload).toString(), plain.body, 'the same page as without compression');
      assert.ok(ra.rawPayload.length < plain.rawPayload.length / 3, `compressed ${ra.rawPayload.length} of ${plain.rawPayload.length} bytes`);
      assert.notEqual(ra.headers.etag, plain.headers.etag, 'each coding has its own validator');
      assert.equal((await get(app, '/', a, { ...gz, 'if-none-match': ra.headers.etag as string })).statusCode, 304);
    }
    const rb = gunzipSync((await get(app, '/', b, gz)).rawPayload).toString();
    assert.ok(rb.includes(b.csrf) && !rb.includes(a.csrf));
    // The token taken from the compressed page works for a form.
    const token = /name="_csrf" value="([^"]+)"/.exec(rb)![1];
    const r = await post(app, '/subscribe', { ...b, csrf: token }, { email: 'gzip-reader@example.org' });
    assert.ok(r.statusCode < 400, `subscribe answered ${r.statusCode}`);
    assert.equal((await get(app, '/', a, { 'accept-encoding': 'gzip;q=0, identity' })).headers['content-encoding'], undefined);
  });

  test('signed-in pages, rendered per request, are compressed too', async () => {
    const member = await signedIn(ctx, 'gzip-member@example.org');
    const plain = await get(app, '/', member);
    const r = await get(app, '/', member, { 'accept-encoding': 'gzip' });
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(r.rawPayload).toString(), plain.body);
  });

  test('each browser gets its own CSRF token in a cached page', async () => {
    const a = anonymous(ctx);
    const b = anonymous(ctx);
    const ra = await get(app, '/', a);
    const rb = await get(app, '/', b);
    assert.ok(ra.body.includes(a.csrf));
    assert.ok(rb.body.includes(b.csrf));
    assert.ok(!ra.body.includes(b.csrf));
    assert.ok(!ra.body.includes('__pb_csrf_slot__'));
  });
});

describe('security headers', () => {
  test('HTML has a CSP without inline scripts and the usual hardening headers', async () => {
    const r = await get(app, '/');
    const csp = r.headers['content-security-policy'] as string;
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp.split(';').find((d) => d.trim().startsWith('script-src'))!, /unsafe-inline/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-frame-options'], 'DENY');
    assert.doesNotMatch(r.body, /<script>(?!<\/script>)/); // no inline script blocks
  });

  test('the nonce cookie is HttpOnly and SameSite=Lax', async () => {
    const r = await get(app, '/');
    const set = String(r.headers['set-cookie']);
    assert.match(set, /pb_nonce=/);
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Lax/);
  });
});
