// The demo corpus: a newcomer's first start shows today's list of the 61 reference papers, earlier
// lists of real arXiv records, and upvotes from demo members; loading again changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoId, loadDemo, loadDemoIfEmpty } from '../../src/ingest/demo.js';
import { countPapers, dailyPapers, getPaper, latestDailyDay, upsertPapers } from '../../src/store/papers.js';
import { makeTestContext } from '../helpers.js';

test('first start loads the demo: today\'s list of 61 papers, eight earlier lists, live upvotes', async () => {
  const ctx = await makeTestContext();
  try {
    ctx.clock.set('2026-11-20T15:00:00Z');
    await loadDemoIfEmpty(ctx);
    const db = ctx.store.db;
    assert.equal(await latestDailyDay(db), '2026-11-20');
    const today = await dailyPapers(db, '2026-11-20', '2026-11-20');
    assert.equal(today.length, 61);
    assert.ok(today.every((p) => p.source === 'demo' && /^demo-[0-9a-f]{10}$/.test(p.id)));
    const withCode = today.filter((p) => p.githubRepo);
    assert.ok(withCode.length >= 15, `${withCode.length} reference papers carry their GitHub link`);

    const days = (await db.selectFrom('daily_features').select('day').distinct().orderBy('day', 'desc').execute()).map((r) => r.day);
    assert.deepEqual(days, ['2026-11-20', '2026-11-19', '2026-11-18', '2026-11-17', '2026-11-16', '2026-11-15', '2026-11-14', '2026-11-13', '2026-11-12']);
    const yesterday = await dailyPapers(db, '2026-11-19', '2026-11-19');
    assert.ok(yesterday.length >= 20 && yesterday.every((p) => /^\d{4}\.\d{5}$/.test(p.id) && p.source === 'arxiv'), 'real arXiv records');

    // Counters agree with the upvote rows, votes never lie in the future, lists are ordered by votes.
    const rows = await db.selectFrom('upvotes').select(['paper_id', 'created_at']).execute();
    assert.ok(rows.length > 100, `${rows.length} upvotes`);
    assert.ok(rows.every((r) => r.created_at <= ctx.clock.now().toISOString()));
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.paper_id, (counts.get(r.paper_id) ?? 0) + 1);
    for (const p of today) assert.equal(p.upvotes, counts.get(p.id) ?? 0, p.id);
    assert.ok(today[0].upvotes >= today.at(-1)!.upvotes);
    const members = await db.selectFrom('users').select(['email', 'role']).execute();
    assert.equal(members.length, 12);
    assert.ok(members.every((m) => m.email.endsWith('@demo.invalid')), 'no real addresses');

    const papers = await countPapers(db);
    assert.ok(papers > 700, `${papers} papers to search`);
    const again = await loadDemo(ctx);
    assert.equal(again.papers, papers - 0);
    assert.equal(await countPapers(db), papers, 'loading twice changes nothing');
    assert.equal((await db.selectFrom('upvotes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n, rows.length);
  } finally {
    await ctx.cleanup();
  }
});

test('a store that already has papers is left alone', async () => {
  const ctx = await makeTestContext();
  try {
    await upsertPapers(ctx.store.db, [{ id: '2401.01234', version: 1, title: 't', abstract: 'a', authors: ['A'], categories: ['cs.LG'], publishedAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z', source: 'manual' }], 't');
    await loadDemoIfEmpty(ctx);
    assert.equal(await countPapers(ctx.store.db), 1);
    assert.equal(await latestDailyDay(ctx.store.db), undefined);
  } finally {
    await ctx.cleanup();
  }
});

test('demo ids are stable: the same title always gives the same id', async () => {
  assert.equal(demoId('Attention Is All  You Need'), demoId('attention is all you need'));
  assert.notEqual(demoId('Attention Is All You Need'), demoId('Attention Is Not All You Need'));
  const ctx = await makeTestContext();
  try {
    await loadDemo(ctx);
    const id = demoId('Leveraging Broadcast Media Subtitle Transcripts for Automatic Speech Recognition and Subtitling');
    assert.equal((await getPaper(ctx.store.db, id))?.source, 'demo');
  } finally {
    await ctx.cleanup();
  }
});
