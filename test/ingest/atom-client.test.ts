// Atom API lookups against a local server replaying arxiv.py's recorded answers (matched on id_list).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchArxivPapers, lookupArxivIds } from '../../src/ingest/atom-client.js';
import { AppError } from '../../src/errors.js';
import { makeTestContext } from '../helpers.js';
import { atomRecording, type Reply, startReplay } from './replay.js';

const recordings = [
  'id_1605.08386_s0_m100_199195aa31ad.json',
  'id_1707.08567_s0_m100_6a1afebfc6a3.json',
  'id_2104.12255v1_s0_m100_6ae69987ffe1.json',
  'id_astro-ph_0601001_s0_m100_3150dca9dc76.json',
  'id_hep-ex_0406020v1_s0_m100_84b15d66c0ce.json',
  'id_quant-ph_0201082v1_s0_m100_86989fe779ef.json',
  'id_0808.05394_s0_m100_7b0c7d0a7cdd.json',
  'id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json',
].map(atomRecording);
const byIdList = new Map(recordings.map((r) => [new URL(r.url).searchParams.get('id_list'), r]));
const errorEntry = atomRecording('id_abc_s0_m100_b79c8dcf6bc3.json');

async function setup(extra: (q: URLSearchParams) => Reply | undefined = () => undefined) {
  const server = await startReplay((q) => extra(q) ?? byIdList.get(q.get('id_list')) ?? { status: 404, body: 'no recording' });
  const ctx = await makeTestContext({ PAPERBOY_ARXIV_API_URL: server.url });
  return { server, ctx, done: async () => (await server.close(), await ctx.cleanup()) };
}

test('looks up pasted ids of every style, one gate-spaced request per batch', async () => {
  const t = await setup();
  try {
    const r = await lookupArxivIds(t.ctx, ['arXiv:1605.08386', 'https://arxiv.org/abs/astro-ph/0601001', 'hep-ex/0406020v1', 'http://arxiv.org/pdf/2104.12255v1.pdf'], { perRequest: 1 });
    assert.deepEqual(
      r.papers.map((p) => `${p.id}v${p.version}`),
      ['1605.08386v1', 'astro-ph/0601001v1', 'hep-ex/0406020v1', '2104.12255v1'],
    );
    assert.deepEqual(r.missing, []);
    assert.deepEqual(
      t.server.requests.map((q) => q.get('id_list')),
      ['1605.08386', 'astro-ph/0601001', 'hep-ex/0406020v1', '2104.12255v1'],
      'versions are pinned only when given',
    );
    assert.deepEqual(t.ctx.clock.slept, [3000, 3000, 3000], 'one request per PAPERBOY_ARXIV_DELAY_MS');
  } finally {
    await t.done();
  }
});

test('batches ids into one request and reports the ones arXiv does not know', async () => {
  const t = await setup();
  try {
    const r = await lookupArxivIds(t.ctx, ['0808.05394', '1707.08567']);
    assert.equal(t.server.requests.length, 1);
    assert.equal(t.server.requests[0].get('id_list'), '0808.05394,1707.08567');
    assert.deepEqual(
      r.papers.map((p) => p.id),
      ['1707.08567'],
    );
    assert.deepEqual(r.missing, ['0808.05394']);
    const alone = await lookupArxivIds(t.ctx, ['0808.05394']);
    assert.deepEqual(alone, { papers: [], missing: ['0808.05394'], problems: [] }, 'an empty feed means unknown');
    assert.deepEqual(await fetchArxivPapers(t.ctx, []), []);
  } finally {
    await t.done();
  }
});

test('malformed ids are refused before asking; an error entry (HTTP 400) becomes a clear error', async () => {
  const t = await setup((q) => (q.get('id_list') === '2401.99999' ? errorEntry : undefined));
  try {
    await assert.rejects(fetchArxivPapers(t.ctx, ['abc']), (err: unknown) => err instanceof AppError && err.code === 'bad_request' && /not an arXiv id: abc/.test(err.message));
    assert.equal(t.server.requests.length, 0);
    await assert.rejects(fetchArxivPapers(t.ctx, ['2401.99999']), (err: unknown) => err instanceof AppError && /arXiv: incorrect id format for abc/.test(err.message));
  } finally {
    await t.done();
  }
});

test('a server error or a non-Atom answer is an upstream error naming the URL', async () => {
  const t = await setup((q) => (q.get('id_list') === '2401.00001' ? { status: 502, body: '<html><body>Bad gateway</body></html>' } : { status: 200, body: '{"not":"xml"' }));
  try {
    await assert.rejects(fetchArxivPapers(t.ctx, ['2401.00001']), (err: unknown) => err instanceof AppError && err.code === 'upstream' && err.message.includes(`${t.server.url}?id_list=2401.00001`) && /HTTP 502/.test(err.message));
    await assert.rejects(fetchArxivPapers(t.ctx, ['2401.00002']), (err: unknown) => err instanceof AppError && err.code === 'upstream' && /malformed XML|not an Atom feed/.test(err.message));
  } finally {
    await t.done();
  }
});
