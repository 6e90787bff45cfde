// The OAI-PMH harvester against a local server replaying recorded arXiv answers: a resumption-token
// chain, 503 + Retry-After (waited out on a manual clock), an expired token, a server that hangs,
// an interrupted harvest that resumes, and a second run that fetches nothing new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harvestOai } from '../../src/ingest/oai-harvester.js';
import { AppError } from '../../src/errors.js';
import { getCursor, recentProblems } from '../../src/store/ingest.js';
import { countPapers, getPaper, upsertPapers } from '../../src/store/papers.js';
import { makeTestContext } from '../helpers.js';
import { nockRecording, recorded, type Reply, startReplay } from './replay.js';

const page1 = recorded('arxiv-oai/litpuvn/ListRecords.xml'); // 387 records, token 1403493|1001
const page2 = recorded('arxiv-oai/mikesaelim/ListRecordsResponse.xml'); // 6 records, token 726959|1001
const [retry503, arxivFormat] = nockRecording('oaipmh-listrecords---should-list-identifiers-from-arxiv.json'); // 503 Retry-After: 10, then 2 records, no token
const noRecords = recorded('arxiv-oai/mikesaelim/ErrorResponseNoRecordsMatch.xml');
const badToken = recorded('arxiv-oai/mikesaelim/ErrorResponseBadResumptionToken.xml');

/** Serves the three-page chain: first request -> page1, its token -> page2, page2's token -> last page. */
function chain(query: URLSearchParams): Reply {
  const token = query.get('resumptionToken');
  if (!token) return { body: page1 };
  if (token === '1403493|1001') return { body: page2 };
  if (token === '726959|1001') return { body: arxivFormat.body };
  return { status: 200, body: badToken };
}

async function setup(answer: (q: URLSearchParams) => Reply, env: Record<string, string> = {}) {
  const server = await startReplay(answer);
  const ctx = await makeTestContext({ PAPERBOY_ARXIV_OAI_URL: server.url, ...env });
  return {
    server,
    ctx,
    async done() {
      await server.close();
      await ctx.cleanup();
    },
  };
}

test('follows a resumption-token chain, politely, storing every page with the cursor', async () => {
  const t = await setup(chain);
  try {
    const s = await harvestOai(t.ctx, { set: 'cs', from: '2016-10-20' });
    assert.equal(s.pages, 3);
    assert.equal(s.inserted, 387 + 6 + 2);
    assert.equal(s.problems, 0);
    const [first, second, third] = t.server.requests;
    assert.deepEqual(Object.fromEntries(first), { verb: 'ListRecords', metadataPrefix: 'arXivRaw', from: '2016-10-20', set: 'cs' });
    assert.deepEqual(Object.fromEntries(second), { verb: 'ListRecords', resumptionToken: '1403493|1001' }, 'a token request carries nothing else');
    assert.equal(third.get('resumptionToken'), '726959|1001');
    // One request per 3 s: the harvester waited between pages (on the manual clock, so instantly).
    assert.deepEqual(t.ctx.clock.slept, [3000, 3000]);
    const cursor = await getCursor(t.ctx.store.db, 'oai:arXivRaw:cs');
    assert.equal(cursor?.resumptionToken, null, 'no harvest in progress');
    assert.equal(cursor?.datestamp, '2016-10-21', 'the highest datestamp stored');
    const p = await getPaper(t.ctx.store.db, '0803.4354');
    assert.equal(p?.version, 6);
    assert.equal(p?.source, 'arxiv');
  } finally {
    await t.done();
  }
});

test('a second run asks from the cursor and finds nothing new', async () => {
  let phase = 'first';
  const t = await setup((q) => (phase === 'first' ? chain(q) : { body: noRecords }));
  try {
    await harvestOai(t.ctx, { set: 'cs', from: '2016-10-20' });
    phase = 'second';
    const before = await countPapers(t.ctx.store.db);
    const s = await harvestOai(t.ctx, { set: 'cs' });
    assert.equal(s.nothingNew, true);
    assert.equal(s.from, '2016-10-21');
    const last = t.server.requests.at(-1)!;
    assert.equal(last.get('from'), '2016-10-21', 'the daily run starts at the stored datestamp');
    assert.equal(await countPapers(t.ctx.store.db), before);
    assert.equal((await getCursor(t.ctx.store.db, 'oai:arXivRaw:cs'))?.datestamp, '2016-10-21');
  } finally {
    await t.done();
  }
});

test('re-harvesting the same records changes nothing', async () => {
  const t = await setup(chain);
  try {
    await harvestOai(t.ctx, { set: 'cs', from: '2016-10-20' });
    const again = await harvestOai(t.ctx, { set: 'cs', from: '2016-10-20' });
    assert.equal(again.inserted, 0);
    assert.equal(again.updated, 0);
    assert.equal(again.unchanged, 395);
  } finally {
    await t.done();
  }
});

test('503 with Retry-After: waits as told on the injectable clock, then repeats the same request', async () => {
  let calls = 0;
  const t = await setup(() => (calls++ === 0 ? retry503 : arxivFormat), { PAPERBOY_ARXIV_DELAY_MS: '3000' });
  try {
    const s = await harvestOai(t.ctx, { from: '2015-01-01', until: '2015-01-03', format: 'arXiv' });
    assert.equal(s.inserted, 2);
    assert.equal(t.server.requests.length, 2);
    assert.deepEqual(Object.fromEntries(t.server.requests[0]), Object.fromEntries(t.server.requests[1]), 'the same request again');
    assert.equal(t.server.requests[0].get('until'), '2015-01-03');
    assert.ok(t.ctx.clock.slept.includes(10_000), `waited 10 s (slept ${t.ctx.clock.slept})`);
    assert.equal((await getPaper(t.ctx.store.db, '1412.8544'))?.title, 'A Kochen-Specker system has at least 22 vectors (extended abstract)');
  } finally {
    await t.done();
  }
});

test('an interrupted harvest resumes at its page; an expired token restarts from the saved from', async () => {
  let mode: 'broken' | 'expired' = 'broken';
  let restarted = false;
  const t = await setup((q) => {
    const token = q.get('resumptionToken');
    if (!token) {
      if (mode === 'expired') restarted = true;
      return { body: page1 };
    }
    if (mode === 'broken') return { status: 500, body: '<html><body>Internal Server Error</body></html>' };
    if (!restarted) return { body: badToken }; // the token saved by the broken run has expired
    return chain(q);
  });
  try {
    await assert.rejects(harvestOai(t.ctx, { set: 'cs', from: '2016-10-20' }), (err: unknown) => {
      assert.ok(err instanceof AppError && err.code === 'upstream');
      assert.match(err.message, /resumptionToken=1403493%7C1001/, 'the error names the URL');
      assert.match(err.message, /HTTP 500/);
      return true;
    });
    // The first page was committed with its cursor: nothing lost, and the harvest is in progress.
    assert.equal(await countPapers(t.ctx.store.db), 387);
    const saved = await getCursor(t.ctx.store.db, 'oai:arXivRaw:cs');
    assert.equal(saved?.resumptionToken, '1403493|1001');
    assert.equal(saved?.startedFrom, '2016-10-20');

    mode = 'expired';
    const s = await harvestOai(t.ctx, { set: 'cs' });
    assert.equal(s.resumed, true);
    assert.equal(s.restarts, 1);
    assert.equal(t.server.requests.at(-4)?.get('resumptionToken'), '1403493|1001', 'first tried to resume');
    assert.equal(t.server.requests.at(-3)?.get('from'), '2016-10-20', 'then restarted from the saved from');
    assert.equal(await countPapers(t.ctx.store.db), 395, 'no duplicates after the restart');
    assert.equal((await getCursor(t.ctx.store.db, 'oai:arXivRaw:cs'))?.resumptionToken, null);
  } finally {
    await t.done();
  }
});

test('a server that never answers is cut off after the timeout, naming the URL', async () => {
  const t = await setup(() => ({ body: '', hang: true }), { PAPERBOY_HTTP_TIMEOUT_MS: '200' });
  try {
    const started = Date.now();
    await assert.rejects(harvestOai(t.ctx, { set: 'math', from: '2024-01-01' }), (err: unknown) => {
      assert.ok(err instanceof AppError && err.code === 'upstream');
      assert.match(err.message, /no answer within 200 ms/);
      assert.ok(err.message.includes(t.server.url), err.message);
      return true;
    });
    assert.ok(Date.now() - started < 5000);
    assert.equal(await countPapers(t.ctx.store.db), 0);
  } finally {
    await t.done();
  }
});

test('a bad record is reported with where it was, skipped whole, and --strict stops there', async () => {
  // A real page with one record broken the way answers break: its title element is missing.
  const lastPage = page2.replace(/<resumptionToken[^>]*>[^<]*<\/resumptionToken>/, '');
  const onlyFirst = lastPage
    .replace('<title>Density dependence', '<nottitle>Density dependence')
    .replace('Dynamical and Statistical model perspective</title>', 'Dynamical and Statistical model perspective</nottitle>');
  assert.notEqual(onlyFirst, lastPage, 'the fixture edit applied');
  const t = await setup(() => ({ body: onlyFirst }));
  try {
    const s = await harvestOai(t.ctx, { set: 'physics', from: '2014-10-01' });
    assert.equal(s.problems, 1);
    assert.equal(s.inserted, 5);
    const [problem] = await recentProblems(t.ctx.store.db);
    assert.equal(problem.location, 'oai:arXiv.org:0704.0471');
    assert.equal(problem.message, 'missing title');
    assert.equal(await getPaper(t.ctx.store.db, '0704.0471'), undefined, 'never half-written');

    const strict = await harvestOai(t.ctx, { set: 'math', from: '2014-10-01', strict: true });
    assert.deepEqual(strict.stoppedAt, { location: 'oai:arXiv.org:0704.0471', message: 'missing title' });
    assert.equal(strict.inserted, 0);
  } finally {
    await t.done();
  }
});

test('a newer version from a later harvest updates the paper and keeps its id and upvotes', async () => {
  const t = await setup(() => ({ body: recorded('arxiv-oai/litpuvn/GetRecord.xml').replace(/GetRecord/g, 'ListRecords') }));
  try {
    const older = { id: '0804.2273', version: 0, title: 'x', abstract: 'y', authors: ['Carl Lagoze'], categories: ['cs.DL'], publishedAt: '2008-04-14T21:02:00.000Z', updatedAt: '2008-04-14T21:02:00.000Z', source: 'arxiv' };
    await upsertPapers(t.ctx.store.db, [older], 't0');
    await t.ctx.store.db.updateTable('papers').set({ upvotes: 5 }).where('id', '=', '0804.2273').execute();
    const s = await harvestOai(t.ctx, { set: 'cs', from: '2008-04-01' });
    assert.equal(s.updated, 1);
    const p = await getPaper(t.ctx.store.db, '0804.2273');
    assert.equal(p?.version, 1);
    assert.equal(p?.title, 'Object Re-Use & Exchange: A Resource-Centric Approach');
    assert.equal(p?.upvotes, 5);
    assert.equal(p?.authors.length, 6);
  } finally {
    await t.done();
  }
});

test('bad arguments are refused before any request', async () => {
  const t = await setup(chain);
  try {
    await assert.rejects(harvestOai(t.ctx, { set: 'cs' }), /no earlier harvest of oai:arXivRaw:cs: give --from/);
    await assert.rejects(harvestOai(t.ctx, { from: '01/02/2024' }), /--from must be YYYY-MM-DD/);
    await assert.rejects(harvestOai(t.ctx, { from: '2024-01-01', set: 'cs&verb=Identify' }), /not an OAI set/);
    assert.equal(t.server.requests.length, 0);
  } finally {
    await t.done();
  }
});

test('the scheduled harvest starts yesterday for a new set, then continues from the cursor', async () => {
  const t = await setup((q) => (q.get('from') === '2026-11-19' ? { body: page2.replace(/<resumptionToken[^>]*>[^<]*<\/resumptionToken>/, '') } : { body: noRecords }), {
    PAPERBOY_HARVEST_SETS: 'physics',
  });
  try {
    const { tasks } = await import('../../src/ingest/tasks.js');
    const harvest = tasks.find((x) => x.kind === 'ingest.harvest')!;
    assert.ok(harvest.everyMs && harvest.everyMs <= 24 * 3600_000, 'at least daily');
    const job = { id: 1, attempts: 0, signal: new AbortController().signal };
    await harvest.run(t.ctx, {}, job);
    assert.equal(t.server.requests[0].get('from'), '2026-11-19');
    assert.equal(t.server.requests[0].get('set'), 'physics');
    assert.equal(await countPapers(t.ctx.store.db), 6);
    await harvest.run(t.ctx, {}, job);
    assert.equal(t.server.requests[1].get('from'), '2014-12-22', 'the highest datestamp stored');
    const stopped = new AbortController();
    stopped.abort();
    await assert.rejects(harvest.run(t.ctx, {}, { ...job, signal: stopped.signal }), /interrupted after 0 pages/);
  } finally {
    await t.done();
  }
});
