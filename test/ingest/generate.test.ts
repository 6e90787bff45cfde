// The benchmark data generator and seeder: deterministic, realistic, importable, and the seeder fills
// the daily lists other benchmarks read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKaggleRecords } from '../../bench/generate.js';
import { seedStore } from '../../bench/seed.js';
import { kaggleToPaper } from '../../src/ingest/kaggle.js';
import { countPapers, dailyPapers, latestDailyDay } from '../../src/store/papers.js';
import { makeTestContext } from '../helpers.js';

test('the same seed gives the same records; ids are unique, rise with the index, and all import', () => {
  const a = [...generateKaggleRecords(3000, 7)];
  const b = [...generateKaggleRecords(3000, 7)];
  const c = [...generateKaggleRecords(3000, 8)];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.map((r) => r.title), c.map((r) => r.title));
  const ids = a.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual([...ids].sort(), ids, 'ids rise as in the real snapshot');
  assert.match(ids[0], /^1501\.\d{5}$/);
  assert.match(ids.at(-1)!, /^2610\.\d{5}$/);
  let withCode = 0;
  let abstractChars = 0;
  for (const r of a) {
    const p = kaggleToPaper(r);
    assert.ok(p.ok, `${r.id}: ${!p.ok && p.problem}`);
    if (p.paper.links?.code?.length) withCode++;
    abstractChars += p.paper.abstract.length;
    assert.ok(p.paper.authors.length >= 1 && p.paper.categories.length >= 1);
  }
  assert.ok(withCode > 200 && withCode < 600, `${withCode} of 3000 carry a code link`);
  const mean = abstractChars / a.length;
  assert.ok(mean > 600 && mean < 1500, `abstracts average ${mean} characters`);
});

test('seedStore fills a store through the import path and puts the newest papers on the last days', async () => {
  const ctx = await makeTestContext();
  try {
    const r = await seedStore(ctx, { papers: 1200, dailyPerDay: 20, days: 5 });
    assert.equal(r.inserted, 1200);
    assert.equal(r.featured, 100);
    assert.deepEqual(r.days, ['2026-11-20', '2026-11-19', '2026-11-18', '2026-11-17', '2026-11-16']);
    assert.equal(await countPapers(ctx.store.db), 1200);
    assert.equal(await latestDailyDay(ctx.store.db), '2026-11-20');
    const today = await dailyPapers(ctx.store.db, '2026-11-20', '2026-11-20');
    assert.equal(today.length, 20);
    const listed = (await dailyPapers(ctx.store.db, '2026-11-16', '2026-11-20')).map((p) => p.id).sort();
    const newest = (await ctx.store.db.selectFrom('papers').select('id').orderBy('id', 'desc').limit(100).execute()).map((p) => p.id).sort();
    assert.deepEqual(listed, newest, 'the newest papers are listed');
    assert.ok(today.some((p) => p.id === newest.at(-1)), 'the very newest on the last day');
  } finally {
    await ctx.cleanup();
  }
});
