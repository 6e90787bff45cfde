import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestContext } from '../../test/helpers.js';
import { authorKey, featurePaper, getPaper, githubRepoOf, papersByAuthor, upsertPapers, type PaperInput } from './papers.js';

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
