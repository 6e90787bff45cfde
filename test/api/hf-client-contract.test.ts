// Contract test for the official Python client (huggingface_hub) against a running paperboy: the app
// listens on a real port over a real SQLite test store, every request is the one the client method
// sends (path, parameters in its order and encoding, headers), and every answer is read the way the
// client's PaperInfo reads it (see hf-client-request.ts for the source and commit this follows).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { makeTestContext, type TestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { insertComment } from '../../src/store/comments.js';
import { refreshPaperCounters } from '../../src/store/papers.js';
import { seed, type Seeded } from './seed.js';
import { type ClientPaper, clientError, clientGet, clientPaperInfo, clientPaperList, clientQuery } from './hf-client-request.js';

let ctx: TestContext;
let app: FastifyInstance;
let base: string;
let seeded: Seeded;

// A token as `hf auth login` saves it; list_daily_papers and list_papers send it to any endpoint.
const HF_TOKEN = 'hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345';

before(async () => {
  ctx = await makeTestContext();
  seeded = await seed(ctx);
  const now = ctx.clock.now().toISOString();
  await insertComment(ctx.store.db, { paperId: '2611.00001', userId: seeded.bob.id, parentId: null, body: 'Nice bound.', now });
  await insertComment(ctx.store.db, { paperId: '2611.00001', userId: seeded.alice.id, parentId: null, body: 'Thanks.', now });
  await refreshPaperCounters(ctx.store.db, '2611.00001', now);
  app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

after(async () => {
  await app.close();
  await ctx.cleanup();
});

/** HfApi.list_daily_papers(date=, week=, month=, submitter=, sort=, p=, limit=) */
function listDailyPapers(args: { date?: string; week?: string; month?: string; submitter?: string; sort?: string; p?: number; limit?: number } = {}, token?: string) {
  const query = clientQuery([['p', args.p], ['limit', args.limit], ['sort', args.sort], ['date', args.date], ['week', args.week], ['month', args.month], ['submitter', args.submitter]]);
  return clientGet(base, `/api/daily_papers${query}`, { hub: true, token });
}

/** HfApi.list_papers(query=, limit=): q only when the query is non-empty. */
function listPapers(args: { query?: string; limit?: number } = {}, token?: string) {
  return clientGet(base, `/api/papers/search${clientQuery([['q', args.query || undefined], ['limit', args.limit]])}`, { hub: true, token });
}

/** HfApi.paper_info(id): the id goes into the path unencoded. */
const paperInfo = (id: string) => clientGet(base, `/api/papers/${id}`, { hub: false });

/** HfApi.read_paper(id) */
const readPaper = (id: string) => clientGet(base, `/papers/${id}.md`, { hub: false });

const byId = (papers: ClientPaper[], id: string) => papers.find((p) => p.id === id) ?? assert.fail(`${id} missing from ${papers.map((p) => p.id).join(', ')}`);

test('list_daily_papers: every item reads as PaperInfo with the right values, with or without a saved HF token', async () => {
  for (const token of [undefined, HF_TOKEN]) {
    const res = await listDailyPapers({ date: '2026-11-19' }, token);
    assert.equal(res.status, 200, 'an HF token sent along is ignored, not refused');
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const papers = clientPaperList(res, 'list_daily_papers(date=2026-11-19)');
    assert.deepEqual(papers.map((p) => p.id).sort(), ['2611.00001', '2611.00002', '2611.00003']);

    const a = byId(papers, '2611.00001');
    assert.equal(a.title, 'Paper 2611.00001 on $O(n^2)$ sorting');
    assert.deepEqual(a.authors, ['Ada Lovelace', 'Léon Bottou']);
    assert.equal(a.publishedAt, '2026-11-17T18:00:00.000Z', 'published_at: on arXiv');
    assert.equal(a.submittedAt, '2026-11-19T08:30:00.000Z', 'submitted_at: put on the daily list');
    assert.equal(a.submittedBy?.username, 'alice');
    assert.equal(a.upvotes, 1);
    assert.equal(a.comments, 2);
    assert.equal(a.discussionId, '2611.00001');
    assert.match(a.summary ?? '', /^We study sorting networks/);
    assert.equal(a.aiSummary, 'We study sorting networks of depth log n.');
    assert.ok(a.aiKeywords?.includes('sorting networks'));
    assert.equal(a.githubRepo, 'https://github.com/owner/repo');
    assert.equal(a.projectPage, 'https://example.org/project');

    // No upvotes: the client falls back from paper.upvotes (0) to the outer key, so it says 0, not None.
    assert.equal(byId(papers, '2611.00003').upvotes, 0);
    // Put on the list by an import: the site's own user, so code reading submitted_by.fullname works.
    assert.equal(byId(papers, '2611.00002').submittedBy?.username, 'paperboy');
  }
});

test('list_daily_papers: every parameter the client and `hf papers ls` send is taken, in the client\'s order and encoding', async () => {
  const latest = clientPaperList(await listDailyPapers({}, HF_TOKEN), 'list_daily_papers()');
  assert.deepEqual(latest.map((p) => p.id), ['hep-th/9901001'], 'no date: the most recent list');
  assert.equal(latest[0].submittedAt, '2026-11-20T07:00:00.000Z');
  assert.equal(latest[0].submittedBy?.username, 'bob');

  const week = clientPaperList(await listDailyPapers({ week: '2026-W47', limit: 50 }), 'week');
  assert.equal(week.length, 4);
  const month = clientPaperList(await listDailyPapers({ month: '2026-11', sort: 'publishedAt', limit: 50 }), 'month');
  assert.equal(month.length, 4);
  assert.deepEqual(clientPaperList(await listDailyPapers({ month: '2026-11', submitter: 'alice' }), 'submitter').map((p) => p.id), ['2611.00001']);
  const trending = clientPaperList(await listDailyPapers({ month: '2026-11', sort: 'trending' }), 'trending');
  assert.deepEqual(trending.slice(0, 2).map((p) => p.id), ['2611.00002', '2611.00001']);

  // Paging as the client sends it: p before limit, both numbers.
  const page0 = clientPaperList(await listDailyPapers({ month: '2026-11', sort: 'trending', p: 0, limit: 3 }), 'p=0');
  const page1 = clientPaperList(await listDailyPapers({ month: '2026-11', sort: 'trending', p: 1, limit: 3 }), 'p=1');
  assert.deepEqual([...page0, ...page1].map((p) => p.id), trending.map((p) => p.id), 'the pages are the list, in order');
  assert.deepEqual(clientPaperList(await listDailyPapers({ month: '2026-11', p: 2, limit: 3 }), 'past the end'), []);

  assert.deepEqual(clientPaperList(await listDailyPapers({ date: '2026-10-01' }), 'a day without a list'), []);
});

test('list_papers: a query with a space, a limit, no query at all; never-listed papers say so', async () => {
  const res = await listPapers({ query: 'graph networks', limit: 20 }, HF_TOKEN);
  const found = clientPaperList(res, 'list_papers(query="graph networks")');
  const weather = byId(found, '2611.00002');
  assert.equal(weather.title, 'Graph networks for weather');
  assert.equal(weather.submittedAt, '2026-11-19T09:00:00.000Z');
  assert.equal(weather.upvotes, 2);

  // list_papers() with no query sends no q at all.
  const newest = clientPaperList(await listPapers({}), 'list_papers()');
  assert.ok(newest.length >= 1 && newest.length <= 50);
  assert.equal(clientPaperList(await listPapers({ limit: 2 }), 'list_papers(limit=2)').length, 2);

  // A paper that was never on a daily list: no submission date, no submitter, as paper_info says too.
  const never = byId(clientPaperList(await listPapers({ query: 'Never listed' }), 'never listed'), '2611.00005');
  const info = clientPaperInfo(JSON.parse((await paperInfo('2611.00005')).text), 'paper_info(2611.00005)');
  assert.equal(never.submittedAt, null);
  assert.equal(never.submittedBy, null);
  assert.equal(info.submittedAt, null);
  assert.equal(info.submittedBy, null);
  assert.equal(never.publishedAt, info.publishedAt);
});

test('paper_info: the top-level paper object reads as PaperInfo, agreeing with the daily list', async () => {
  const daily = byId(clientPaperList(await listDailyPapers({ date: '2026-11-19' }), 'daily'), '2611.00001');
  for (const id of ['2611.00001', '2611.00001v2']) {
    const res = await paperInfo(id);
    assert.equal(res.status, 200, id);
    const info = clientPaperInfo(JSON.parse(res.text), `paper_info(${id})`);
    assert.equal(info.id, '2611.00001');
    assert.equal(info.publishedAt, '2026-11-17T18:00:00.000Z', 'the top-level publishedAt is the arXiv date');
    assert.equal(info.submittedAt, '2026-11-19T08:30:00.000Z', 'then submittedOnDailyAt is the daily-list date');
    assert.equal(info.comments, 2, 'numComments is on the paper object');
    for (const key of ['title', 'authors', 'publishedAt', 'submittedAt', 'upvotes', 'comments', 'summary', 'discussionId', 'aiSummary', 'aiKeywords', 'githubRepo', 'githubStars', 'projectPage'] as const) {
      assert.deepEqual(info[key], daily[key], `paper_info and list_daily_papers agree on ${key}`);
    }
    assert.deepEqual(info.submittedBy, daily.submittedBy);
  }
  const old = clientPaperInfo(JSON.parse((await paperInfo('hep-th/9901001')).text), 'paper_info(hep-th/9901001)');
  assert.equal(old.id, 'hep-th/9901001');
  assert.equal(old.publishedAt, '1999-01-04T00:00:00.000Z');
});

test('paper_info and read_paper: an unknown paper is a 404 the client can word; a bad parameter a 400 with a message', async () => {
  for (const res of [await paperInfo('2611.99999'), await paperInfo('hep-th/0000000'), await readPaper('2611.99999')]) {
    const error = clientError(res);
    assert.equal(error.status, 404, '`hf papers info/read` turn a 404 into "not found"');
    assert.match(error.message, /No paper/);
  }
  const bad = clientError(await listDailyPapers({ date: '2026-11-19', week: '2026-W47' }));
  assert.equal(bad.status, 400);
  assert.match(bad.message, /at most one of date, week and month/);
  const tooMany = clientError(await listPapers({ query: 'sorting', limit: 500 }));
  assert.equal(tooMany.status, 400);
  assert.match(tooMany.message, /limit must be an integer from 1 to 120/);
});

test('read_paper: the Markdown page as text, for new and old-style ids, with or without version', async () => {
  for (const [id, title] of [
    ['2611.00001', '# Paper 2611.00001 on O(n²) sorting'],
    ['2611.00001v2', '# Paper 2611.00001 on O(n²) sorting'],
    ['hep-th/9901001', '# Old style strings'],
  ]) {
    const res = await readPaper(id);
    assert.equal(res.status, 200, id);
    assert.match(String(res.headers['content-type']), /^text\/markdown; charset=utf-8/);
    assert.ok(res.text.startsWith(`${title}\n`), res.text.slice(0, 80));
    assert.ok(res.text.includes('## Abstract'));
  }
});

test('the client-side reading itself fails on what would break the real client', () => {
  const good = { paper: { id: '1', publishedAt: '2026-01-01T00:00:00.000Z', upvotes: 0, authors: [{ name: 'A' }] }, publishedAt: '2026-01-02T00:00:00.000Z', upvotes: 0, title: 't' };
  assert.equal(clientPaperInfo(good).upvotes, 0);
  assert.equal(clientPaperInfo({ ...good, upvotes: undefined }).upvotes, null, 'paper.upvotes 0 and no outer upvotes: None');
  assert.throws(() => clientPaperInfo({ ...good, publishedAt: '2026-01-02T00:00:00Z' }), /not YYYY-MM-DDTHH:MM:SS.fffZ/, 'no fraction');
  assert.throws(() => clientPaperInfo({ ...good, publishedAt: '2026-01-02T00:00:00.000+00:00' }), /not YYYY/, 'offset instead of Z');
  assert.throws(() => clientPaperInfo({ ...good, paper: { ...good.paper, authors: ['A'] } }), /authors\[0\]: must be an object/);
  assert.throws(() => clientPaperInfo({ ...good, submittedBy: { user: 'u', orgs: null } }), /orgs: is iterated/);
  assert.throws(() => clientPaperInfo({ ...good, comments: 3 }), /overwrites the parsed comments/);
  assert.throws(() => clientPaperInfo({ ...good, paper: { ...good.paper, upvotes: 2 }, upvotes: 3 }), /overwrites the parsed upvotes/);
  assert.throws(() => clientPaperInfo([good]), /must be a JSON object/);
  assert.throws(() => clientError({ status: 404, headers: {}, text: '["x"]' }), /must be an object/);
});
