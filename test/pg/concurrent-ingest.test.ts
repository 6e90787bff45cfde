// Two harvesters (each with its own connection pool, as two processes would have) replaying the same
// arXiv answers at the same moment: both finish, and every paper is stored once with its authors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, pgSkipReason } from '../helpers.js';
import { contextOn } from './pg-helpers.js';
import { nockRecording, recorded, startReplay, type Reply } from '../ingest/replay.js';
import { harvestOai } from '../../src/ingest/oai-harvester.js';
import { testConfig } from '../../src/config.js';

const page1 = recorded('arxiv-oai/litpuvn/ListRecords.xml'); // 387 records, token 1403493|1001
const page2 = recorded('arxiv-oai/mikesaelim/ListRecordsResponse.xml'); // 6 records, token 726959|1001
const last = nockRecording('oaipmh-listrecords---should-list-identifiers-from-arxiv.json')[1]!.body; // 2 records

// upsertPapers inserts new papers with ON CONFLICT (id) DO NOTHING RETURNING id, so the loser of a
// race on the same new paper treats it as existing (compares versions) instead of failing.
test('the same harvest run twice at once stores each paper once, and both runs succeed', { skip: pgSkipReason }, async () => {
  const replay = await startReplay((q): Reply => {
    const token = q.get('resumptionToken');
    if (!token) return { body: page1 };
    return { body: token === '1403493|1001' ? page2 : last };
  });
  const database = await createTestDatabase();
  const a = await contextOn(database.url);
  const b = await contextOn(database.url, { migrate: false });
  try {
    const config = testConfig({ DATABASE_URL: database.url, PAPERBOY_ARXIV_OAI_URL: replay.url, PAPERBOY_ARXIV_DELAY_MS: '0' });
    const runs = await Promise.allSettled([
      harvestOai({ ...a, config }, { set: 'cs', from: '2016-10-20' }),
      harvestOai({ ...b, config }, { set: 'cs', from: '2016-10-20' }),
    ]);
    assert.deepEqual(
      runs.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')),
      ['ok', 'ok'],
    );
    const papers = await a.store.db.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(papers.n), 387 + 6 + 2);
    const withoutAuthors = await a.store.db
      .selectFrom('papers')
      .select('id')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('paper_authors').select('paper_id').whereRef('paper_authors.paper_id', '=', 'papers.id'))))
      .execute();
    assert.deepEqual(withoutAuthors, []);
  } finally {
    await a.store.close();
    await b.store.close();
    await database.drop();
    await replay.close();
  }
});
