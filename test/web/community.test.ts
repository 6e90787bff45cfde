// Upvotes, discussion, moderation and abuse limits, through the HTML forms on a real SQLite store.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { makeTestContext, type TestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { getPaper } from '../../src/store/papers.js';
import { anonymous, get, paper, post, seed, signedIn } from './support.js';

let ctx: TestContext;
let app: FastifyInstance;

before(async () => {
  ctx = await makeTestContext();
  await seed(ctx, [paper('2411.10001'), paper('2411.10002'), paper('2411.10003')]);
  app = await buildApp(ctx);
});
after(async () => {
  await app.close();
  await ctx.cleanup();
});

const json = { accept: 'application/json' };

describe('upvotes', () => {
  test('one upvote per member, also when a double click sends two requests at once', async () => {
    const b = await signedIn(ctx, 'double@example.org');
    const rs = await Promise.all([1, 2, 3].map(() => post(app, '/papers/2411.10001/upvote', b, { want: '1' }, json)));
    for (const r of rs) assert.equal(r.statusCode, 200);
    assert.equal((await getPaper(ctx.store.db, '2411.10001'))!.upvotes, 1);
    const other = await signedIn(ctx, 'other@example.org');
    const r = await post(app, '/papers/2411.10001/upvote', other, { want: '1' }, json);
    assert.deepEqual(JSON.parse(r.body), { upvoted: true, upvotes: 2 });
    const undo = await post(app, '/papers/2411.10001/upvote', other, { want: '0' }, json);
    assert.deepEqual(JSON.parse(undo.body), { upvoted: false, upvotes: 1 });
  });

  test('without JS the form redirects back to the page it came from', async () => {
    const b = await signedIn(ctx, 'nojs@example.org');
    const r = await post(app, '/papers/2411.10002/upvote', b, { want: '1' }, { referer: 'http://localhost:3000/papers/date/2026-11-20', host: 'localhost:3000' });
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, '/papers/date/2026-11-20');
    const page = await get(app, '/papers/2411.10002', b);
    assert.match(page.body, /aria-pressed="true"/);
  });

  test('a referer from another site is not followed (no open redirect)', async () => {
    const b = await signedIn(ctx, 'referer@example.org');
    const r = await post(app, '/papers/2411.10002/upvote', b, { want: '1' }, { referer: 'https://evil.example/', host: 'localhost:80' });
    assert.equal(r.headers.location, '/papers/2411.10002');
  });

  test('signed-out visitors are sent to sign in; scripts get 401', async () => {
    const anon = anonymous(ctx);
    const r = await post(app, '/papers/2411.10001/upvote', anon, { want: '1' }, json);
    assert.equal(r.statusCode, 401);
    assert.match(JSON.parse(r.body).error, /Sign in/);
  });

  test('a POST without a valid CSRF token is refused and changes nothing', async () => {
    const b = await signedIn(ctx, 'csrf@example.org');
    const before = (await getPaper(ctx.store.db, '2411.10003'))!.upvotes;
    const forged = await post(app, '/papers/2411.10003/upvote', { ...b, csrf: 'forged' }, { want: '1' });
    assert.equal(forged.statusCode, 403);
    assert.match(forged.body, /expired or did not come from this site/);
    const other = anonymous(ctx); // a valid token of another browser
    const stolen = await post(app, '/papers/2411.10003/upvote', { ...b, csrf: other.csrf }, { want: '1' });
    assert.equal(stolen.statusCode, 403);
    assert.equal((await getPaper(ctx.store.db, '2411.10003'))!.upvotes, before);
  });

  test('upvoting an unknown paper is a 404, not a 500', async () => {
    const b = await signedIn(ctx, 'ghost@example.org');
    const r = await post(app, '/papers/2499.99999/upvote', b, { want: '1' }, json);
    assert.equal(r.statusCode, 404);
  });
});

describe('discussion', () => {
  test('Markdown and math are rendered, raw HTML and javascript: links are not', async () => {
    const b = await signedIn(ctx, 'writer@example.org');
    const r = await post(app, '/papers/2411.10001/comments', b, { body: 'Great **result**: $\\sum_i x_i$ see [docs](https://example.org) and [bad](javascript:alert(1)) <b onclick=x>hi</b>' });
    assert.equal(r.statusCode, 303);
    assert.match(r.headers.location as string, /^\/papers\/2411\.10001#c\d+$/);
    const page = (await get(app, '/papers/2411.10001')).body;
    assert.match(page, /<strong>result<\/strong>/);
    assert.match(page, /<annotation encoding="application\/x-tex">\\sum_i x_i<\/annotation>/);
    assert.match(page, /<a href="https:\/\/example\.org" rel="nofollow ugc noopener">docs<\/a>/);
    assert.doesNotMatch(page, /href="javascript:/);
    assert.doesNotMatch(page, /<b onclick/);
    assert.match(page, /&lt;b onclick=x&gt;hi&lt;\/b&gt;/);
    assert.equal((await getPaper(ctx.store.db, '2411.10001'))!.numComments, 1);
  });

  test('replies are one level deep: a reply to a reply joins its thread', async () => {
    const a = await signedIn(ctx, 'thread-a@example.org');
    const top = await post(app, '/papers/2411.10002/comments', a, { body: 'top' });
    const topId = /#c(\d+)/.exec(top.headers.location as string)![1];
    const reply = await post(app, '/papers/2411.10002/comments', a, { body: 'reply', parent: topId });
    const replyId = /#c(\d+)/.exec(reply.headers.location as string)![1];
    const nested = await post(app, '/papers/2411.10002/comments', a, { body: 'nested', parent: replyId });
    const nestedId = /#c(\d+)/.exec(nested.headers.location as string)![1];
    const page = (await get(app, '/papers/2411.10002')).body;
    assert.match(page, new RegExp(`class="comment reply" id="c${replyId}"`));
    assert.match(page, new RegExp(`class="comment reply" id="c${nestedId}"`));
    assert.ok(page.indexOf(`id="c${topId}"`) < page.indexOf(`id="c${nestedId}"`));
  });

  test('authors edit and delete their own comments; others cannot', async () => {
    const owner = await signedIn(ctx, 'owner@example.org');
    const stranger = await signedIn(ctx, 'stranger@example.org');
    const c = await post(app, '/papers/2411.10003/comments', owner, { body: 'first draft' });
    const id = /#c(\d+)/.exec(c.headers.location as string)![1];
    assert.equal((await post(app, `/comments/${id}/edit`, stranger, { body: 'vandalised' })).statusCode, 403);
    assert.equal((await post(app, `/comments/${id}/delete`, stranger, {})).statusCode, 403);
    ctx.clock.advance(60_000);
    assert.equal((await post(app, `/comments/${id}/edit`, owner, { body: 'second draft' })).statusCode, 303);
    let page = (await get(app, '/papers/2411.10003')).body;
    assert.ok(page.includes('second draft'));
    assert.ok(/<\/time><\/a> · edited/.test(page), 'marked as edited');
    assert.equal((await post(app, `/comments/${id}/delete`, owner, {})).statusCode, 303);
    page = (await get(app, '/papers/2411.10003')).body;
    assert.doesNotMatch(page, /second draft/);
  });

  test('empty and oversized comments are refused with a clear message', async () => {
    const b = await signedIn(ctx, 'sizes@example.org');
    const empty = await post(app, '/papers/2411.10003/comments', b, { body: '   ' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /empty/);
    const big = await post(app, '/papers/2411.10003/comments', b, { body: 'x'.repeat(10_001) });
    assert.equal(big.statusCode, 400);
    assert.match(big.body, /at most 10000 characters/);
  });
});

describe('moderation', () => {
  test('curators hide comments; members cannot; the action is in the audit log', async () => {
    const member = await signedIn(ctx, 'troll@example.org');
    const curator = await signedIn(ctx, 'curator@example.org', 'curator');
    const admin = await signedIn(ctx, 'admin@example.org', 'admin');
    const c = await post(app, '/papers/2411.10001/comments', member, { body: 'spam spam spam' });
    const id = /#c(\d+)/.exec(c.headers.location as string)![1];
    assert.equal((await post(app, `/comments/${id}/hide`, member, { hidden: '1' })).statusCode, 403);
    assert.equal((await post(app, `/comments/${id}/hide`, curator, { hidden: '1' })).statusCode, 303);
    assert.doesNotMatch((await get(app, '/papers/2411.10001')).body, /spam spam spam/);
    const audit = await get(app, '/admin', admin);
    assert.equal(audit.statusCode, 200);
    assert.match(audit.body, /curator<\/strong> hide comment comment <code>\d+<\/code>/);
    assert.equal((await get(app, '/admin', curator)).statusCode, 403);
    assert.equal((await get(app, '/admin', member)).statusCode, 403);
  });

  test('hiding a paper removes it from lists and its page; admins can show it again', async () => {
    const curator = await signedIn(ctx, 'curator2@example.org', 'curator');
    await seed(ctx, [paper('2411.10009', { title: 'Paper to hide' })]);
    assert.equal((await post(app, '/admin/papers/hide', curator, { paper: '2411.10009', hidden: '1' })).statusCode, 303);
    assert.equal((await get(app, '/papers/2411.10009')).statusCode, 404);
    assert.doesNotMatch((await get(app, '/papers/date/2026-11-20')).body, /Paper to hide/);
    assert.equal((await post(app, '/admin/papers/hide', curator, { paper: '2411.10009', hidden: '0' })).statusCode, 303);
    assert.equal((await get(app, '/papers/2411.10009')).statusCode, 200);
  });

  test('curators move a paper to another day or take it off the list', async () => {
    const curator = await signedIn(ctx, 'curator3@example.org', 'curator');
    await seed(ctx, [paper('2411.10010', { title: 'Movable paper' })]);
    assert.equal((await post(app, '/admin/daily/feature', curator, { paper: '2411.10010', day: '2026-11-01' })).statusCode, 303);
    assert.match((await get(app, '/papers/date/2026-11-01')).body, /Movable paper/);
    assert.equal((await post(app, '/admin/daily/remove', curator, { paper: '2411.10010' })).statusCode, 303);
    assert.doesNotMatch((await get(app, '/papers/date/2026-11-01')).body, /Movable paper/);
    const member = await signedIn(ctx, 'member3@example.org');
    assert.equal((await post(app, '/admin/daily/feature', member, { paper: '2411.10010', day: '2026-11-01' })).statusCode, 403);
  });

  test('a suspended user is signed out everywhere and their comments disappear', async () => {
    const admin = await signedIn(ctx, 'admin2@example.org', 'admin');
    const bad = await signedIn(ctx, 'suspendme@example.org');
    await post(app, '/papers/2411.10003/comments', bad, { body: 'abusive words' });
    assert.equal((await post(app, '/admin/users/suspend', admin, { user: bad.user!.username, suspended: '1' })).statusCode, 303);
    assert.doesNotMatch((await get(app, '/papers/2411.10003')).body, /abusive words/);
    const r = await post(app, '/papers/2411.10003/upvote', bad, { want: '1' }, json);
    assert.equal(r.statusCode, 401);
    assert.match((await get(app, '/admin', admin)).body, /suspend user user <code>suspendme<\/code>/);
  });

  test('admins change roles; an invalid role is a 400', async () => {
    const admin = await signedIn(ctx, 'admin3@example.org', 'admin');
    const m = await signedIn(ctx, 'promote@example.org');
    assert.equal((await post(app, '/admin/users/role', admin, { user: m.user!.username, role: 'curator' })).statusCode, 303);
    assert.match((await get(app, '/submit', m)).body, /Day \(curators: any day\)/);
    assert.equal((await post(app, '/admin/users/role', admin, { user: m.user!.username, role: 'emperor' })).statusCode, 400);
  });
});

describe('abuse limits', () => {
  test('too many comments from one account get a 429 page that says when to retry', async () => {
    const b = await signedIn(ctx, 'flood@example.org');
    let last;
    for (let i = 0; i < 21; i++) last = await post(app, '/papers/2411.10002/comments', b, { body: `comment ${i}` });
    assert.equal(last!.statusCode, 429);
    assert.match(last!.body, /too often/);
    assert.ok(Number(last!.headers['retry-after']) > 0);
    ctx.clock.advance(11 * 60_000); // the window passes
    assert.equal((await post(app, '/papers/2411.10002/comments', b, { body: 'later' })).statusCode, 303);
  });
});
