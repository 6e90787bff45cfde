import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { makeTestContext, testDatabaseUrl } from '../../test/helpers.js';
import { authorKey, featurePaper, getPaper, githubRepoOf, papersByAuthor, refreshPaperCounters, refreshPapersCounters, upsertPapers, type PaperInput } from './papers.js';
import { insertUpvote } from './upvotes.js';
import { ensureUser } from './users.js';

const base: PaperInput = {
  id: '2401.01234',
  version: 1,
  title: 'A paper',
  abstract: 'An abstract.',
  authors: ['Léon Bottou', 'Ada Lovelace'],
  categories: ['cs.LG', 'stat.ML'],
  publishedAt: '2024-01-02T10:00:00.000Z',
  updatedAt: '2024-01-02T10:00:00.000Z',
  links: { code: ['https://github.com/Owner/Repo.git'] },
  source: 'test',
};

test('re-ingesting the same record changes nothing; a newer version updates in place', async () => {
  const ctx = await makeTestContext();
  try {
    const db = ctx.store.db;
    assert.deepEqual(await upsertPapers(db, [base], 't1'), { inserted: 1, updated: 0, unchanged: 0 });
    assert.deepEqual(await upsertPapers(db, [base], 't2'), { inserted: 0, updated: 0, unchanged: 1 });
    await db.updateTable('papers').set({ upvotes: 7 }).execute();
    const v2 = { ...base, version: 2, title: 'A better paper', authors: ['Ada Lovelace'], updatedAt: '2024-02-01T00:00:00.000Z' };
    assert.deepEqual(await upsertPapers(db, [v2], 't3'), { inserted: 0, updated: 1, unchanged: 0 });
    const stored = await getPaper(db, base.id);
    assert.equal(stored?.version, 2);
    assert.equal(stored?.title, 'A better paper');
    assert.equal(stored?.upvotes, 7, 'upvotes survive a version update');
    assert.equal(stored?.createdAt, 't1');
    assert.equal(stored?.githubRepo, 'owner/repo');
    assert.deepEqual((await papersByAuthor(db, authorKey('Leon Bottou'))).length, 0, 'authors replaced');
    assert.deepEqual((await papersByAuthor(db, authorKey('ada  LOVELACE'))).map((p) => p.id), [base.id]);
    // An older version arriving late does not roll the paper back.
    assert.deepEqual(await upsertPapers(db, [base], 't4'), { inserted: 0, updated: 0, unchanged: 1 });
  } finally {
    await ctx.cleanup();
  }
});

test('a paper is on one daily list at most', async () => {
  const ctx = await makeTestContext();
  try {
    await upsertPapers(ctx.store.db, [base], 't');
    assert.deepEqual(await featurePaper(ctx.store.db, { paperId: base.id, day: '2024-01-03', submittedBy: null, submittedAt: 't' }), { day: '2024-01-03', created: true });
    assert.deepEqual(await featurePaper(ctx.store.db, { paperId: base.id, day: '2024-01-05', submittedBy: null, submittedAt: 't' }), { day: '2024-01-03', created: false });
  } finally {
    await ctx.cleanup();
  }
});

test('github repository links are normalised to owner/name', () => {
  assert.equal(githubRepoOf({ code: ['https://github.com/a/b/tree/main/x'] }), 'a/b');
  assert.equal(githubRepoOf({ code: ['https://gitlab.com/a/b'] }), null);
  assert.equal(githubRepoOf(undefined), null);
});

test('counters are recounted from their tables', async () => {
  const ctx = await makeTestContext();
  try {
    const db = ctx.store.db;
    const other = { ...base, id: '2401.01235' };
    await upsertPapers(db, [base, other], 't');
    for (const email of ['a@example.org', 'b@example.org']) {
      const u = await ensureUser(db, email, 'member', 't');
      await insertUpvote(db, u.id, base.id, 't');
    }
    await refreshPaperCounters(db, base.id, 't2');
    assert.deepEqual([(await getPaper(db, base.id))?.upvotes, (await getPaper(db, base.id))?.changedAt], [2, 't2']);
    await db.updateTable('papers').set({ upvotes: 9 }).execute();
    await refreshPapersCounters(db, [base.id, other.id], 't3');
    assert.deepEqual([(await getPaper(db, base.id))?.upvotes, (await getPaper(db, other.id))?.upvotes], [2, 0]);
  } finally {
    await ctx.cleanup();
  }
});

// The interleaving that made the single UPDATE store a stale count on PostgreSQL: B's upvote is
// counted by a transaction that holds the paper's row lock; A's recount starts meanwhile (its
// snapshot lacks B) and waits for the lock. A's count, written last, must include B.
test('PostgreSQL: a recount that waited for another one\'s row lock still counts that one\'s upvote', { skip: testDatabaseUrl ? false : 'PostgreSQL only: set PAPERBOY_TEST_DATABASE_URL' }, async () => {
  const ctx = await makeTestContext();
  try {
    const db = ctx.store.db;
    await upsertPapers(db, [base], 't');
    const a = await ensureUser(db, 'a@example.org', 'member', 't');
    const b = await ensureUser(db, 'b@example.org', 'member', 't');
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockHeld = new Promise<void>((r) => (locked = r));
    const holder = db.transaction().execute(async (trx) => {
      await trx.insertInto('upvotes').values({ user_id: b.id, paper_id: base.id, created_at: 't' }).execute();
      await refreshPaperCounters(trx, base.id, 't'); // takes the row lock, counts 1 (its own upvote)
      locked();
      await released;
    });
    await lockHeld;
    await insertUpvote(db, a.id, base.id, 't');
    const waiting = refreshPaperCounters(db, base.id, 't2');
    // Let the waiting recount reach the lock before the holder commits.
    for (let i = 0; i < 200; i++) {
      const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
      if (r.rows[0].n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    release();
    await holder;
    await waiting;
    assert.equal((await getPaper(db, base.id))?.upvotes, 2);
  } finally {
    await ctx.cleanup();
  }
});
