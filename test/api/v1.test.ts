// paperboy's /api/v1 through inject(): read endpoints against their schemas, personal API tokens
// (created in settings, shown once, stored hashed, revoked), token-only writes, the OpenAPI document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { makeTestContext, type TestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { hashToken } from '../../src/signing.js';
import * as s from '../../src/api/schemas.js';
import { seed, signIn, type Seeded } from './seed.js';

async function setup(env: Record<string, string> = {}): Promise<{ ctx: TestContext; app: FastifyInstance; users: Seeded }> {
  const ctx = await makeTestContext(env);
  const users = await seed(ctx);
  return { ctx, app: await buildApp(ctx), users };
}

async function getJson(app: FastifyInstance, url: string, headers: Record<string, string> = {}) {
  const res = await app.inject({ url, headers });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

/** Creates a token through the settings page as a signed-in member; returns it as the page showed it. */
async function createToken(ctx: TestContext, app: FastifyInstance, user: Seeded['alice'], name = 'my script') {
  const browser = await signIn(ctx, user);
  const res = await app.inject({ method: 'POST', url: '/settings/tokens', cookies: browser.cookies, payload: { _csrf: browser.csrf, name } });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  const token = /pbt_[\w-]+/.exec(res.body)?.[0];
  assert.ok(token, 'the new token is shown');
  return { token, browser, page: res };
}

test('read endpoints answer their documented shapes', async () => {
  const { ctx, app } = await setup();
  try {
    const daily = await getJson(app, '/api/v1/daily?date=2026-11-19&limit=2');
    assert.equal(daily.status, 200);
    const d = s.pageOf(s.v1DailyItem).parse(daily.body);
    assert.deepEqual(d.items.map((i) => i.paper.id), ['2611.00002', '2611.00001']);
    assert.equal(d.next, 'http://127.0.0.1:3000/api/v1/daily?date=2026-11-19&limit=2&page=1');
    const last = s.pageOf(s.v1DailyItem).parse((await getJson(app, '/api/v1/daily?date=2026-11-19&limit=2&page=1')).body);
    assert.deepEqual(last.items.map((i) => i.paper.id), ['2611.00003']);
    assert.equal(last.next, null);
    assert.deepEqual(s.pageOf(s.v1DailyItem).parse((await getJson(app, '/api/v1/daily')).body).items.map((i) => i.day), ['2026-11-20']);

    const trending = s.pageOf(s.v1TrendingItem).parse((await getJson(app, '/api/v1/trending?window=week')).body);
    assert.equal(trending.items[0].paper.id, '2611.00002');
    assert.equal(trending.items[0].rank, 1);
    const upvoteTerm = trending.items[0].explanation?.terms.find((t) => t.name === 'upvotes');
    assert.ok(upvoteTerm && upvoteTerm.value > 0 && upvoteTerm.contribution > 0, 'each score comes with its terms');

    const paper = s.v1Paper.parse((await getJson(app, '/api/v1/papers/hep-th/9901001')).body);
    assert.equal(paper.id, 'hep-th/9901001');
    assert.equal(paper.dailyDay, '2026-11-20');
    assert.equal(paper.url, 'http://127.0.0.1:3000/papers/hep-th/9901001');
    assert.equal(s.v1Paper.parse((await getJson(app, '/api/v1/papers/2611.00001v2')).body).titleText, 'Paper 2611.00001 on O(n²) sorting');
    z.object({ items: z.array(s.v1Paper) }).parse((await getJson(app, '/api/v1/papers/2611.00001/similar?limit=3')).body);
    const explained = (await getJson(app, '/api/v1/papers/2611.00002/trending')).body;
    assert.equal(explained.paperId, '2611.00002');
    assert.ok(s.trendingExplanation.parse(explained.explanation).score > 0);

    const search = s.v1SearchResult.parse((await getJson(app, '/api/v1/search?q=weather')).body);
    assert.deepEqual(search.items.map((i) => i.paper.id), ['2611.00002']);

    const author = s.v1Author.extend(s.pageOf(s.v1Paper).shape).parse((await getJson(app, '/api/v1/authors/leon%20bottou')).body);
    assert.equal(author.name, 'Léon Bottou');
    assert.equal(author.papers, 3);

    const cats = z.object({ items: z.array(s.v1Category) }).parse((await getJson(app, '/api/v1/categories')).body);
    assert.deepEqual(cats.items.find((c) => c.category === 'cs.LG'), { category: 'cs.LG', papers: 3 });
    const inCat = s.pageOf(s.v1Paper).parse((await getJson(app, '/api/v1/categories/hep-th/papers')).body);
    assert.deepEqual(inCat.items.map((p) => p.id), ['hep-th/9901001']);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('bad parameters are 400 and unknown things 404, always as {"error"}', async () => {
  const { ctx, app } = await setup();
  try {
    for (const [url, status, message] of [
      ['/api/v1/daily?page=-1', 400, /page must be an integer/],
      ['/api/v1/daily?limit=101', 400, /limit must be an integer from 1 to 100/],
      ['/api/v1/trending?window=year', 400, /window must be day, week or month/],
      ['/api/v1/search?q=', 400, /q must not be empty/],
      ['/api/v1/search?q=x&mode=magic', 400, /mode must be/],
      ['/api/v1/papers/2611.00001/similar?limit=51', 400, /limit must be an integer from 1 to 50/],
      ['/api/v1/categories/bad%20cat/papers', 400, /category must look like/],
      ['/api/v1/papers/2611.99999', 404, /No paper/],
      ['/api/v1/papers/hep-th/0000000/comments', 404, /No paper/],
      ['/api/v1/authors/nobody%20at%20all', 404, /No papers by this author/],
      ['/api/v1/nothing-here', 404, /no page/i],
    ] as const) {
      const res = await getJson(app, url);
      assert.equal(res.status, status, url);
      assert.deepEqual(Object.keys(res.body), ['error'], url);
      assert.match(res.body.error, message, url);
    }
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('API tokens: created in settings, shown once, stored hashed, used, revoked', async () => {
  const { ctx, app, users } = await setup();
  try {
    const { token, browser, page } = await createToken(ctx, app, users.alice, 'reading-group bot');
    assert.equal(page.headers['cache-control'], 'no-store');
    const stored = await ctx.store.db.selectFrom('api_tokens').selectAll().execute();
    assert.equal(stored.length, 1);
    assert.equal(stored[0].token_hash, hashToken(token), 'only the hash is stored');
    assert.ok(!JSON.stringify(stored).includes(token));

    const list = await app.inject({ url: '/settings/tokens', cookies: browser.cookies });
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes('reading-group bot'));
    assert.ok(!list.body.includes(token), 'never shown again');

    const me = await getJson(app, '/api/v1/me', { authorization: `Bearer ${token}` });
    assert.equal(me.status, 200);
    assert.deepEqual(s.v1Me.parse(me.body), { username: 'alice', displayName: users.alice.displayName, role: 'member' });
    const used = await ctx.store.db.selectFrom('api_tokens').select('last_used_at').executeTakeFirstOrThrow();
    assert.equal(used.last_used_at, ctx.clock.now().toISOString());

    // A form without the CSRF token cannot create tokens; bob cannot revoke alice's token.
    assert.equal((await app.inject({ method: 'POST', url: '/settings/tokens', cookies: browser.cookies, payload: { name: 'x' } })).statusCode, 403);
    const bob = await signIn(ctx, users.bob);
    const stolen = await app.inject({ method: 'POST', url: `/settings/tokens/${stored[0].id}/revoke`, cookies: bob.cookies, payload: { _csrf: bob.csrf } });
    assert.equal(stolen.statusCode, 404);
    assert.equal((await getJson(app, '/api/v1/me', { authorization: `Bearer ${token}` })).status, 200);

    const revoke = await app.inject({ method: 'POST', url: `/settings/tokens/${stored[0].id}/revoke`, cookies: browser.cookies, payload: { _csrf: browser.csrf } });
    assert.equal(revoke.statusCode, 303);
    const after = await getJson(app, '/api/v1/me', { authorization: `Bearer ${token}` });
    assert.equal(after.status, 401);
    assert.match(after.body.error, /not valid/);
    assert.ok((await app.inject({ url: '/settings/tokens', cookies: browser.cookies })).body.includes('revoked'));
    // Signed-out visitors are sent to sign in.
    assert.equal((await app.inject({ url: '/settings/tokens' })).statusCode, 303);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('writes need a token: upvote, comment, submit; a session cookie alone is refused', async () => {
  const { ctx, app, users } = await setup();
  try {
    const { token, browser } = await createToken(ctx, app, users.alice);
    const auth = { authorization: `Bearer ${token}` };
    const post = (url: string, payload: unknown, headers: Record<string, string> = auth, cookies?: Record<string, string>) =>
      app.inject({ method: 'POST', url, payload: payload as object, headers, cookies });

    // Cookie-only, even with a valid CSRF token: 401, nothing changes.
    const cookieOnly = await post('/api/v1/papers/2611.00003/upvote', { upvoted: true, _csrf: browser.csrf }, {}, browser.cookies);
    assert.equal(cookieOnly.statusCode, 401);
    assert.equal((await getJson(app, '/api/v1/papers/2611.00003')).body.upvotes, 0);
    assert.equal((await post('/api/v1/papers/2611.00003/upvote', { upvoted: true }, { authorization: 'Bearer pbt_forged' })).statusCode, 401);

    const up = await post('/api/v1/papers/2611.00003/upvote', { upvoted: true });
    assert.equal(up.statusCode, 200, up.body);
    assert.deepEqual(s.upvoteResult.parse(up.json()), { upvoted: true, upvotes: 1 });
    assert.deepEqual((await post('/api/v1/papers/hep-th/9901001/upvote', {})).json(), { upvoted: true, upvotes: 1 }, 'old-style ids, upvote by default');
    assert.deepEqual((await post('/api/v1/papers/2611.00003/upvote', { upvoted: false })).json(), { upvoted: false, upvotes: 0 });
    assert.equal((await post('/api/v1/papers/2611.00003/upvote', { upvoted: 'yes' })).statusCode, 400);
    assert.equal((await post('/api/v1/papers/2611.99999/upvote', { upvoted: true })).statusCode, 404);

    const comment = await post('/api/v1/papers/2611.00001/comments', { body: 'Nice *bound* <script>x</script>' });
    assert.equal(comment.statusCode, 201, comment.body);
    const c = s.v1Comment.parse(comment.json());
    assert.equal(c.author.username, 'alice');
    assert.ok(!c.bodyHtml.includes('<script>'), 'rendered HTML is safe');
    const listed = z.object({ items: z.array(s.v1Comment) }).parse((await getJson(app, '/api/v1/papers/2611.00001/comments')).body);
    assert.deepEqual(listed.items.map((i) => i.id), [c.id]);
    const empty = await post('/api/v1/papers/2611.00001/comments', { body: '   ' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.json().error, /body must not be empty/);

    ctx.clock.set('2026-11-21T10:00:00Z');
    const submitted = await post('/api/v1/submissions', { id: 'https://arxiv.org/abs/2611.00005' });
    assert.equal(submitted.statusCode, 200, submitted.body);
    assert.deepEqual(s.submitResult.parse(submitted.json()), { paperId: '2611.00005', day: '2026-11-21', created: true });
    assert.deepEqual((await post('/api/v1/submissions', { id: '2611.00005' })).json(), { paperId: '2611.00005', day: '2026-11-21', created: false });
    assert.equal((await post('/api/v1/submissions', {})).statusCode, 400);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('each token has its own per-minute budget, with Retry-After when it is spent', async () => {
  const { ctx, app, users } = await setup({ PAPERBOY_API_TOKEN_RATE_LIMIT_PER_MIN: '3' });
  try {
    const first = (await createToken(ctx, app, users.alice, 'one')).token;
    const second = (await createToken(ctx, app, users.alice, 'two')).token;
    const call = (token?: string) => app.inject({ url: '/api/v1/papers/2611.00001', headers: token ? { authorization: `Bearer ${token}` } : {} });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(first)).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await call(first);
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.headers['retry-after'], '60');
    assert.match(limited.json().error, /Too many requests with this token/);
    assert.equal((await call(second)).statusCode, 200, 'another token has its own budget');
    assert.equal((await call()).statusCode, 200, 'anonymous reads from the same address only count against the per-IP limit');
    ctx.clock.advance(45_000);
    assert.equal((await call(first)).headers['retry-after'], '15', 'Retry-After counts down to the end of the window');
    ctx.clock.advance(15_000);
    assert.equal((await call(first)).statusCode, 200, 'a new minute, a new budget');
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('the OpenAPI 3.1 document describes every route from the same schemas; /api/docs renders it', async () => {
  const { ctx, app } = await setup();
  try {
    const doc = (await getJson(app, '/api/openapi.json')).body;
    assert.equal(doc.openapi, '3.1.0');
    for (const [path, method] of [
      ['/api/daily_papers', 'get'],
      ['/api/papers/{id}', 'get'],
      ['/api/papers/search', 'get'],
      ['/papers/{id}.md', 'get'],
      ['/api/v1/trending', 'get'],
      ['/api/v1/papers/{id}/upvote', 'post'],
      ['/api/v1/submissions', 'post'],
    ]) {
      assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
    }
    const daily = doc.paths['/api/daily_papers'].get;
    const limit = daily.parameters.find((p: { name: string }) => p.name === 'limit');
    assert.deepEqual({ min: limit.schema.minimum, max: limit.schema.maximum, def: limit.schema.default }, { min: 1, max: 100, def: 50 });
    const item = daily.responses['200'].content['application/json'].schema.items;
    assert.ok(item.required.includes('numComments') && item.properties.paper.required.includes('submittedOnDailyAt'));
    assert.deepEqual(doc.paths['/api/v1/papers/{id}/upvote'].post.security, [{ apiToken: [] }]);
    assert.equal(doc.components.securitySchemes.apiToken.scheme, 'bearer');
    const page = await app.inject({ url: '/api/docs' });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('GET /api/daily_papers') && page.body.includes('POST /api/v1/papers/{id}/comments'));
    assert.ok(!/<script[^>]+src="https?:/.test(page.body), 'no script from a CDN');
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('a token manages its member\'s digest subscription with the preferences page\'s rules', async () => {
  const { ctx, app, users } = await setup();
  try {
    const { token } = await createToken(ctx, app, users.alice);
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await getJson(app, '/api/v1/subscription')).status, 401);
    const initial = s.v1Subscription.parse((await getJson(app, '/api/v1/subscription', auth)).body);
    assert.equal(initial.email, 'alice@example.org');
    assert.equal(initial.status, 'paused', 'asking is not subscribing');

    const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers: auth, payload });
    const changed = await post('/api/v1/subscription', { frequency: 'weekly', weekday: 5, topics: ['graph networks'], categories: ['cs.LG'], timezone: 'Europe/Paris' });
    assert.equal(changed.statusCode, 200, changed.body);
    const sub = s.v1Subscription.parse(changed.json());
    assert.deepEqual({ status: sub.status, frequency: sub.frequency, weekday: sub.weekday, topics: sub.topics, categories: sub.categories, timezone: sub.timezone }, {
      status: 'active',
      frequency: 'weekly',
      weekday: 5,
      topics: ['graph networks'],
      categories: ['cs.LG'],
      timezone: 'Europe/Paris',
    });
    const badZone = await post('/api/v1/subscription', { timezone: 'Mars/Olympus' });
    assert.equal(badZone.statusCode, 400);
    assert.match(badZone.json().error, /Unknown time zone/);
    assert.equal((await post('/api/v1/subscription', { hour: 24 })).statusCode, 400);
    const gone = s.v1Subscription.parse((await post('/api/v1/subscription/unsubscribe', {})).json());
    assert.equal(gone.status, 'unsubscribed');
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});
