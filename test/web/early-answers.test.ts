// The fast path for cached pages and public responses (src/web/hot-pages.ts): it answers what it
// may, exactly as the normal path would, and leaves everything else to the normal path. Which path
// answered is read from /metrics (paperboy_page_cache_early_answers_total).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { makeTestContext, type TestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { flushViews } from '../../src/signals/views.js';
import { anonymous, get, paper, post, seed, signedIn } from './support.js';

let ctx: TestContext;
let app: FastifyInstance;

before(async () => {
  ctx = await makeTestContext({ PAPERBOY_RATE_LIMIT_PER_MIN: '40' });
  await seed(ctx, [paper('2411.00001', { title: 'First paper' }), paper('2411.00002', { title: 'Second paper' })], '2026-11-20');
  app = await buildApp(ctx);
});
after(async () => {
  await app.close();
  await ctx.cleanup();
});

// /metrics answers loopback addresses only; each call comes from one of its own, so that these
// calls never count against the rate limit of the requests under test.
let metricsCalls = 0;
async function earlyAnswers(): Promise<number> {
  metricsCalls++;
  const r = await app.inject({ url: '/metrics', remoteAddress: `127.1.${Math.floor(metricsCalls / 250)}.${(metricsCalls % 250) + 1}` });
  return Number(/^paperboy_page_cache_early_answers_total (\d+)$/m.exec(r.body)?.[1]);
}

/** The response's headers without those that differ per response whatever the path (Date). */
const headersOf = (r: LightMyRequestResponse) => Object.fromEntries(Object.entries(r.headers).filter(([name]) => name !== 'date'));

// Each test gets its own client address: the limit of 40 a minute is per address.
let clients = 0;
const from = () => `192.0.2.${++clients}`;
const browserGet = (url: string, cookie: string, remoteAddress: string, headers: Record<string, string> = {}) =>
  app.inject({ url, remoteAddress, headers: { cookie, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) test', ...headers } });

/**
 * The same GET until the fast path answers it (at most 5 tries). The fast path passes to the normal
 * path whenever the content version is more than 250 ms old, which a slow machine may hit once.
 */
async function answeredEarly(url: string, cookie: string, remoteAddress: string, headers: Record<string, string> = {}) {
  for (let i = 0; i < 5; i++) {
    const before = await earlyAnswers();
    const r = await browserGet(url, cookie, remoteAddress, headers);
    if ((await earlyAnswers()) === before + 1) return r;
  }
  throw new Error(`${url} was never answered by the fast path`);
}

describe('anonymous returning readers', () => {
  for (const [what, url] of [
    ['daily page', '/'],
    ['daily page sorted by newest', '/?sort=newest'],
    ['paper page', '/papers/2411.00001'],
    ['author page', '/authors/Ada%20Lovelace'],
    ['category page', '/categories/cs.LG'],
  ]) {
    test(`${what}: the second view is answered early with the same status, headers and bytes, gzipped or not`, async () => {
      const b = anonymous(ctx);
      const ip = from();
      for (const coding of [{ 'accept-encoding': 'gzip, deflate, br' }, {}] as Array<Record<string, string>>) {
        const first = await browserGet(url, b.cookie, ip, coding);
        assert.equal(first.statusCode, 200);
        const second = await answeredEarly(url, b.cookie, ip, coding);
        assert.equal(second.statusCode, first.statusCode);
        assert.deepEqual(headersOf(second), headersOf(first));
        assert.deepEqual(second.rawPayload, first.rawPayload);
        const html = (first.headers['content-encoding'] === 'gzip' ? gunzipSync(second.rawPayload) : second.rawPayload).toString();
        assert.ok(html.includes(`value="${b.csrf}"`) || !html.includes('name="_csrf"'), "the browser's own CSRF token is in its forms");
      }
    });
  }

  test("a browser's token is its own on the fast path too", async () => {
    const [a, b] = [anonymous(ctx), anonymous(ctx)];
    const ip = from();
    await browserGet('/', a.cookie, ip);
    const forB = await answeredEarly('/', b.cookie, ip);
    assert.match(forB.body, new RegExp(`name="_csrf" value="${b.csrf}"`));
    assert.doesNotMatch(forB.body, new RegExp(a.csrf));
  });

  test('paper views are counted on the fast path as on the normal one', async () => {
    const b = anonymous(ctx);
    const ip = from();
    await flushViews(ctx);
    const viewsBefore = await ctx.store.db.selectFrom('paper_views').select('count').where('paper_id', '=', '2411.00002').executeTakeFirst();
    for (let i = 0; i < 5; i++) assert.equal((await browserGet('/papers/2411.00002', b.cookie, ip)).statusCode, 200);
    await flushViews(ctx);
    const views = await ctx.store.db.selectFrom('paper_views').select('count').where('paper_id', '=', '2411.00002').executeTakeFirst();
    assert.equal(Number(views?.count ?? 0) - Number(viewsBefore?.count ?? 0), 5);
  });

  test('a change to the data shows at once: the fast path never answers from an entry it cannot vouch for', async () => {
    const b = anonymous(ctx);
    const ip = from();
    const upvotes = (r: LightMyRequestResponse) => Number(/▲<\/span> (\d+) · Sign in to upvote/.exec(r.body)?.[1]);
    const start = upvotes(await browserGet('/papers/2411.00001', b.cookie, ip));
    await browserGet('/papers/2411.00001', b.cookie, ip);
    const voter = await signedIn(ctx, 'hot-voter@example.org');
    assert.equal((await post(app, '/papers/2411.00001/upvote', voter, { want: '1' })).statusCode, 303);
    assert.equal(upvotes(await browserGet('/papers/2411.00001', b.cookie, ip)), start + 1);
  });

  test('the rate limit applies to pages the fast path answers', async () => {
    const b = anonymous(ctx);
    const ip = from();
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) statuses.push((await browserGet('/', b.cookie, ip)).statusCode);
    assert.deepEqual(statuses.slice(0, 40), Array(40).fill(200));
    assert.equal(statuses[40], 429);
  });
});

describe('public API lists and feeds', () => {
  for (const url of ['/api/daily_papers', '/api/daily_papers?limit=1', '/feeds/daily.rss', '/feeds/daily.json']) {
    test(`${url}: answered early with the same status, headers and bytes, gzipped or not, with or without cookies`, async () => {
      const ip = from();
      for (const headers of [{ 'accept-encoding': 'gzip' }, {}, { cookie: anonymous(ctx).cookie }] as Array<Record<string, string>>) {
        const normal = await app.inject({ url, remoteAddress: ip, headers });
        assert.equal(normal.statusCode, 200);
        let early: LightMyRequestResponse | undefined;
        for (let i = 0; i < 5 && !early; i++) {
          const before = await earlyAnswers();
          const r = await app.inject({ url, remoteAddress: ip, headers });
          if ((await earlyAnswers()) === before + 1) early = r;
        }
        assert.ok(early, 'answered by the fast path');
        assert.equal(early.statusCode, normal.statusCode);
        assert.deepEqual(headersOf(early), headersOf(normal));
        assert.deepEqual(early.rawPayload, normal.rawPayload);
      }
    });
  }

  test('conditional requests are left to the normal path, which answers 304', async () => {
    const ip = from();
    const first = await app.inject({ url: '/feeds/daily.rss', remoteAddress: ip });
    const before = await earlyAnswers();
    const again = await app.inject({ url: '/feeds/daily.rss', remoteAddress: ip, headers: { 'if-none-match': String(first.headers.etag) } });
    assert.equal(again.statusCode, 304);
    const since = await app.inject({ url: '/feeds/daily.rss', remoteAddress: ip, headers: { 'if-modified-since': String(first.headers['last-modified']) } });
    assert.equal(since.statusCode, 304);
    assert.equal(await earlyAnswers(), before);
  });
});

describe('left to the normal path', () => {
  test('signed-in readers, new browsers, revalidations and other methods', async () => {
    const b = anonymous(ctx);
    const ip = from();
    const tagged = await browserGet('/papers/2411.00001', b.cookie, ip);
    const before = await earlyAnswers();

    const member = await signedIn(ctx, 'hot-member@example.org');
    const mine = await get(app, '/papers/2411.00001', member);
    assert.match(mine.body, /action="\/papers\/2411\.00001\/upvote"/, 'a signed-in reader gets the upvote button');

    const fresh = await browserGet('/papers/2411.00001', '', ip);
    assert.match(String(fresh.headers['set-cookie']), /pb_nonce=/, 'a first visit gets its nonce cookie');

    const revalidated = await browserGet('/papers/2411.00001', b.cookie, ip, { 'if-none-match': String(tagged.headers.etag) });
    assert.equal(revalidated.statusCode, 304);

    const head = await app.inject({ method: 'HEAD', url: '/papers/2411.00001', remoteAddress: ip, headers: { cookie: b.cookie } });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');

    assert.equal(await earlyAnswers(), before, 'none of these was answered early');
    await answeredEarly('/papers/2411.00001', b.cookie, ip); // while the plain anonymous GET is
  });

  test('unknown addresses and errors are never remembered', async () => {
    const b = anonymous(ctx);
    const ip = from();
    for (let i = 0; i < 2; i++) {
      assert.equal((await browserGet('/papers/2411.99999', b.cookie, ip)).statusCode, 404);
      assert.equal((await browserGet('/papers/date/2026-13-40', b.cookie, ip)).statusCode, 400);
    }
    const before = await earlyAnswers();
    assert.equal((await browserGet('/papers/2411.99999', b.cookie, ip)).statusCode, 404);
    assert.equal(await earlyAnswers(), before);
  });
});
