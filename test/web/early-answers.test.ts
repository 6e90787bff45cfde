// Early answers (src/web/early-answers.ts): cached pages and public responses answered from Node's
// request event, before Fastify. They must send exactly what the routed path sends, and leave
// everything else to it. The early path exists only on a real socket (Fastify's inject goes straight
// to the router), so every request under test here goes over one, from its own loopback address
// (127.0.0.N) so that each test has its own rate-limit window. Which path answered is read from
// /metrics (paperboy_page_cache_early_answers_total).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { makeTestContext, type TestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { flushViews } from '../../src/signals/views.js';
import { anonymous, paper, post, seed, signedIn } from './support.js';

let ctx: TestContext;
let app: FastifyInstance;
let port: number;

before(async () => {
  ctx = await makeTestContext({ PAPERBOY_RATE_LIMIT_PER_MIN: '40' });
  await seed(ctx, [paper('2411.00001', { title: 'First paper' }), paper('2411.00002', { title: 'Second paper' })], '2026-11-20');
  app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});
after(async () => {
  await app.close();
  await ctx.cleanup();
});

interface Answer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  rawPayload: Buffer;
  body: string;
}

/** One request over its own connection, from the loopback address `from`. */
function send(url: string, from: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .request({ host: '127.0.0.1', port, path: url, method, localAddress: from, agent: false, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const rawPayload = Buffer.concat(chunks);
          resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, rawPayload, body: rawPayload.toString() });
        });
      })
      .on('error', reject)
      .end();
  });
}

// /metrics answers loopback addresses only; it is asked through inject from addresses of its own,
// so that these calls never count against the rate limit of the requests under test.
let metricsCalls = 0;
async function earlyAnswers(): Promise<number> {
  metricsCalls++;
  const r = await app.inject({ url: '/metrics', remoteAddress: `127.1.${Math.floor(metricsCalls / 250)}.${(metricsCalls % 250) + 1}` });
  return Number(/^paperboy_page_cache_early_answers_total (\d+)$/m.exec(r.body)?.[1]);
}

/** The response's headers without those that differ per response whatever the path (Date). */
const headersOf = (r: Answer) => Object.fromEntries(Object.entries(r.headers).filter(([name]) => name !== 'date'));

// Each test gets its own client address: the limit of 40 a minute is per address.
let clients = 1;
const from = () => `127.0.0.${++clients}`;
const browserGet = (url: string, cookie: string, address: string, headers: Record<string, string> = {}) =>
  send(url, address, { ...(cookie ? { cookie } : {}), 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) test', ...headers });

/**
 * The same GET until the fast path answers it (at most 5 tries). The fast path passes to the normal
 * path whenever the content version is more than 250 ms old, which a slow machine may hit once.
 */
async function answeredEarly(url: string, cookie: string, address: string, headers: Record<string, string> = {}) {
  for (let i = 0; i < 5; i++) {
    const before = await earlyAnswers();
    const r = await browserGet(url, cookie, address, headers);
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
    const upvotes = (r: Answer) => Number(/▲<\/span> (\d+) · Sign in to upvote/.exec(r.body)?.[1]);
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
  test('routed and early requests of one client count against one limit', async () => {
    const b = anonymous(ctx);
    const ip = from();
    const earlyBefore = await earlyAnswers();
    const statuses: number[] = [];
    // Without a nonce cookie a request is always routed (it is given one); with it, answered early.
    for (let i = 0; i < 20; i++) statuses.push((await browserGet('/', '', ip)).statusCode, (await browserGet('/', b.cookie, ip)).statusCode);
    assert.ok((await earlyAnswers()) - earlyBefore >= 15, 'most requests with the cookie were answered early');
    assert.deepEqual(statuses, Array(40).fill(200));
    assert.equal((await browserGet('/', '', ip)).statusCode, 429);
    assert.equal((await browserGet('/', b.cookie, ip)).statusCode, 429);
  });
});

describe('public API lists and feeds', () => {
  for (const url of ['/api/daily_papers', '/api/daily_papers?limit=1', '/feeds/daily.rss', '/feeds/daily.json']) {
    test(`${url}: answered early with the same status, headers and bytes, gzipped or not, with or without cookies`, async () => {
      const ip = from();
      for (const headers of [{ 'accept-encoding': 'gzip' }, {}, { cookie: anonymous(ctx).cookie }] as Array<Record<string, string>>) {
        const normal = await send(url, ip, headers);
        assert.equal(normal.statusCode, 200);
        let early: Answer | undefined;
        for (let i = 0; i < 5 && !early; i++) {
          const before = await earlyAnswers();
          const r = await send(url, ip, headers);
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
    await send('/feeds/daily.rss', ip);
    const first = await send('/feeds/daily.rss', ip);
    const before = await earlyAnswers();
    const again = await send('/feeds/daily.rss', ip, { 'if-none-match': String(first.headers.etag) });
    assert.equal(again.statusCode, 304);
    const since = await send('/feeds/daily.rss', ip, { 'if-modified-since': String(first.headers['last-modified']) });
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
    const mine = await browserGet('/papers/2411.00001', member.cookie, ip);
    assert.match(mine.body, /action="\/papers\/2411\.00001\/upvote"/, 'a signed-in reader gets the upvote button');

    const fresh = await browserGet('/papers/2411.00001', '', ip);
    assert.match(String(fresh.headers['set-cookie']), /pb_nonce=/, 'a first visit gets its nonce cookie');

    const revalidated = await browserGet('/papers/2411.00001', b.cookie, ip, { 'if-none-match': String(tagged.headers.etag) });
    assert.equal(revalidated.statusCode, 304);

    const head = await send('/papers/2411.00001', ip, { cookie: b.cookie }, 'HEAD');
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
