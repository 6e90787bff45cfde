// Submitting papers by id or URL: fetched from (recorded) arXiv answers, put on today's list with
// the submitter's name; duplicates link to their list; curators choose any day.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { makeTestContext, type TestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { getPaper } from '../../src/store/papers.js';
import { anonymous, get, post, signedIn } from './support.js';
import { type AtomReplay, startAtomReplay } from './replay.js';

let ctx: TestContext;
let app: FastifyInstance;
let arxiv: AtomReplay;

before(async () => {
  arxiv = await startAtomReplay();
  ctx = await makeTestContext({ PAPERBOY_ARXIV_API_URL: arxiv.url, PAPERBOY_ARXIV_DELAY_MS: '0' });
  app = await buildApp(ctx);
});
after(async () => {
  await app.close();
  await ctx.cleanup();
  await arxiv.close();
});

test('a member submits by abs URL: the paper is fetched, stored and on today\'s list with their name', async () => {
  const b = await signedIn(ctx, 'submitter@example.org');
  const r = await post(app, '/submit', b, { paper: 'https://arxiv.org/abs/1605.08386v1' });
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /Added to the list of Friday, 20 November 2026/);
  assert.match(r.body, /href="\/papers\/1605\.08386"/);
  assert.ok(arxiv.requests.some((q) => q.includes('id_list=1605.08386')));
  const stored = await getPaper(ctx.store.db, '1605.08386');
  assert.equal(stored?.title, 'Heat-bath random walks with Markov bases');
  const today = await get(app, '/papers/date/2026-11-20');
  assert.match(today.body, /Heat-bath random walks with Markov bases/);
  assert.match(today.body, /submitted by submitter/);
  assert.match((await get(app, '/authors/Tobias%20Windisch')).body, /Heat-bath random walks/);
});

test('submitting a listed paper again links to its list instead of a duplicate (JSON for the script too)', async () => {
  const b = await signedIn(ctx, 'second@example.org');
  const r = await post(app, '/submit', b, { paper: 'arXiv:1605.08386' }, { accept: 'application/json' });
  assert.equal(r.statusCode, 200);
  const body = JSON.parse(r.body);
  assert.equal(body.created, false);
  assert.equal(body.day, '2026-11-20');
  assert.equal(body.url, '/papers/1605.08386');
  assert.match(body.message, /Already on the list/);
});

test('old-style ids and PDF links work', async () => {
  const b = await signedIn(ctx, 'oldstyle@example.org');
  const r = await post(app, '/submit', b, { paper: 'https://arxiv.org/pdf/astro-ph/0601001' });
  assert.equal(r.statusCode, 200, r.body.slice(0, 300));
  assert.ok(await getPaper(ctx.store.db, 'astro-ph/0601001'));
  assert.equal((await get(app, '/papers/astro-ph/0601001')).statusCode, 200);
});

test('unknown ids and garbage give clear errors, not 500s', async () => {
  const b = await signedIn(ctx, 'typo@example.org');
  const missing = await post(app, '/submit', b, { paper: '0000.0000' });
  assert.ok([400, 404].includes(missing.statusCode), String(missing.statusCode));
  const garbage = await post(app, '/submit', b, { paper: 'hello <script>' });
  assert.equal(garbage.statusCode, 400);
  assert.match(garbage.body, /not an arXiv identifier/);
  assert.doesNotMatch(garbage.body, /<script>/);
});

test('curators put a paper on any day; members cannot pick the day', async () => {
  const curator = await signedIn(ctx, 'picker@example.org', 'curator');
  const r = await post(app, '/submit', curator, { paper: '1707.08567', day: '2026-11-02' });
  assert.equal(r.statusCode, 200, r.body.replace(/[\s\S]*<main id="main">/, '').slice(0, 400));
  assert.match((await get(app, '/papers/date/2026-11-02')).body, /data-paper="1707\.08567"/);
  const member = await signedIn(ctx, 'member-day@example.org');
  const m = await post(app, '/submit', member, { paper: 'hep-ex/0406020v1', day: '2026-11-03' });
  assert.equal(m.statusCode, 200, m.body.replace(/[\s\S]*<main id="main">/, '').slice(0, 300));
  assert.match(m.body, /Friday, 20 November 2026/); // today, not the asked day
});

test('signed-out visitors are sent to sign in first', async () => {
  const r = await get(app, '/submit', anonymous(ctx));
  assert.equal(r.statusCode, 303);
  assert.equal(r.headers.location, '/signin?next=%2Fsubmit');
});
