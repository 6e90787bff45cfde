// Ranking end to end on a small store with a controlled clock: signals in, ordered papers out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainTrending } from '../../src/rank/explain.js';
import { paperSignalsChanged } from '../../src/rank/hooks.js';
import { recomputeAll } from '../../src/rank/recompute.js';
import { flushViews, recordView } from '../../src/signals/views.js';
import { setPaperHidden } from '../../src/store/papers.js';
import { getScoreRow, recordStars, scoresChangeMark, writeFullPass, writePaperScore } from '../../src/store/signals.js';
import { trendingPapers, trendingScores } from '../../src/store/trending.js';
import { makeTestContext, type TestContext } from '../helpers.js';
import { addPaper, addUser, comment, upvote } from './seed.js';

const H = 3_600_000;
const iso = (ctx: TestContext, msAgo: number) => new Date(ctx.clock.now().getTime() - msAgo).toISOString();
const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

async function world() {
  const ctx = await makeTestContext();
  const veteran = async () => addUser(ctx, '2025-01-01T00:00:00Z');
  await addPaper(ctx, 'A', { categories: ['cs.LG'] });
  await addPaper(ctx, 'B', { categories: ['cs.CL', 'cs.LG'], code: ['https://github.com/octo/b'] });
  await addPaper(ctx, 'C', { categories: ['cs.LG'] });
  await addPaper(ctx, 'D', { categories: ['cs.CV'] });
  // A: three established votes two hours ago.
  for (let i = 0; i < 3; i++) await upvote(ctx, await veteran(), 'A', iso(ctx, 2 * H));
  // B: one established vote and a ring of six accounts made minutes before voting, within 30 minutes.
  await upvote(ctx, await veteran(), 'B', iso(ctx, 3 * H));
  for (let i = 0; i < 6; i++) {
    const votedAt = ctx.clock.now().getTime() - 3 * H + i * 5 * 60_000;
    const u = await addUser(ctx, new Date(votedAt - 4 * 60_000).toISOString());
    await upvote(ctx, u, 'B', new Date(votedAt).toISOString());
  }
  // C: the most votes, but it will be hidden.
  for (let i = 0; i < 10; i++) await upvote(ctx, await veteran(), 'C', iso(ctx, H));
  // D: five votes four days ago (outside today, inside the week).
  for (let i = 0; i < 5; i++) await upvote(ctx, await veteran(), 'D', iso(ctx, 4 * 24 * H));
  return { ctx, veteran };
}

test('full pass: damped vote rings rank below honest votes, windows and hidden papers respected', async (t) => {
  const { ctx } = await world();
  t.after(() => ctx.cleanup());
  await setPaperHidden(ctx.store.db, 'C', true, ctx.clock.now().toISOString());
  const pass = await recomputeAll(ctx);
  assert.equal(pass.votes, 25);

  const day = await trendingPapers(ctx.store.db, { window: 'day', limit: 10 });
  assert.deepEqual(ids(day), ['A', 'B'], 'C is hidden; D is older than a day');
  // A: 3 votes, 2h old, half-life 36h. B: 1 + 6 × 1/20, about 3h old.
  assert.ok(Math.abs(day[0].score - 3 * 2 ** (-2 / 36)) < 1e-3, `A ${day[0].score}`);
  assert.ok(day[1].score < 1.35 && day[1].score > 1.2, `B ${day[1].score}`);

  const week = await trendingPapers(ctx.store.db, { window: 'week', limit: 10 });
  // D: 5 × 2^(-96/36) = 0.787 per... 5 × 0.157 = 0.79, below B.
  assert.deepEqual(ids(week), ['A', 'B', 'D']);
  assert.deepEqual(ids(await trendingPapers(ctx.store.db, { window: 'week', limit: 10, category: 'cs.CL' })), ['B']);
  assert.deepEqual(ids(await trendingPapers(ctx.store.db, { window: 'week', limit: 10, hasCode: true })), ['B']);
  assert.deepEqual(ids(await trendingPapers(ctx.store.db, { window: 'week', limit: 10, ids: ['D', 'C'] })), ['D']);
  assert.deepEqual(ids(await trendingPapers(ctx.store.db, { window: 'week', limit: 1, offset: 1 })), ['B']);

  const scores = await trendingScores(ctx.store.db, ['A', 'D', 'nope'], 'week');
  assert.equal(scores.get('A'), week[0].score);
  assert.equal(scores.has('nope'), false);
});

test('an upvote is visible at once through the incremental hook, without a full pass', async (t) => {
  const { ctx, veteran } = await world();
  t.after(() => ctx.cleanup());
  await recomputeAll(ctx);
  assert.deepEqual(ids(await trendingPapers(ctx.store.db, { window: 'day', limit: 3 })), ['C', 'A', 'B']);
  for (let i = 0; i < 3; i++) {
    await upvote(ctx, await veteran(), 'B', ctx.clock.now().toISOString());
    await paperSignalsChanged(ctx, 'B');
  }
  const day = await trendingPapers(ctx.store.db, { window: 'day', limit: 3 });
  assert.deepEqual(ids(day), ['C', 'B', 'A']);
  // Hiding a paper removes it from the ranking immediately, whatever its stored score.
  await setPaperHidden(ctx.store.db, 'C', true, ctx.clock.now().toISOString());
  assert.deepEqual(ids(await trendingPapers(ctx.store.db, { window: 'day', limit: 3 })), ['B', 'A']);
});

test('time decay: ten days later the same votes are out of today and this week', async (t) => {
  const { ctx } = await world();
  t.after(() => ctx.cleanup());
  ctx.clock.advance(10 * 24 * H);
  await recomputeAll(ctx);
  assert.deepEqual(ids(await trendingPapers(ctx.store.db, { window: 'day', limit: 10 })), []);
  assert.deepEqual(ids(await trendingPapers(ctx.store.db, { window: 'week', limit: 10 })), []);
  assert.deepEqual(ids(await trendingPapers(ctx.store.db, { window: 'month', limit: 10 })), ['C', 'A', 'B', 'D']);
  ctx.clock.advance(40 * 24 * H);
  await recomputeAll(ctx);
  assert.equal(await getScoreRow(ctx.store.db, 'A'), undefined, 'papers without signals in any window lose their row');
});

test('explanation: each term with its value, adding up to the score; null for hidden papers', async (t) => {
  const { ctx, veteran } = await world();
  t.after(() => ctx.cleanup());
  const u = await veteran();
  await comment(ctx, u, 'A', iso(ctx, 36 * H));
  await comment(ctx, u, 'A', iso(ctx, H), { hidden: true });
  await recordStars(ctx.store.db, 'octo/b', 100, iso(ctx, 24 * H));
  await recordStars(ctx.store.db, 'octo/b', 163, iso(ctx, 0));
  await recomputeAll(ctx);
  const a = await explainTrending(ctx, 'A');
  assert.ok(a);
  const byName = Object.fromEntries(a.terms.map((term) => [term.name, term]));
  assert.equal(byName.comments.value, 0.5, 'one visible comment, one half-life old; the hidden one does not count');
  assert.equal(byName.comments.contribution, 0.25);
  assert.ok(Math.abs(a.terms.reduce((s, term) => s + term.contribution, 0) - a.score) < 1e-3);
  const b = await explainTrending(ctx, 'B', 'day');
  const stars = b?.terms.find((term) => term.name === 'stars');
  assert.equal(stars?.value, 63);
  assert.equal(stars?.contribution, 4.2); // 0.7 × log2(1 + 63) = 0.7 × 6
  await setPaperHidden(ctx.store.db, 'A', true, ctx.clock.now().toISOString());
  assert.equal(await explainTrending(ctx, 'A'), null);
  assert.equal(await explainTrending(ctx, 'nope'), null);
});

test('weights and half-life come from the configuration', async (t) => {
  const ctx = await makeTestContext({ PAPERBOY_TRENDING_WEIGHTS: 'upvotes=2,comments=0', PAPERBOY_TRENDING_HALF_LIFE_HOURS: '2' });
  t.after(() => ctx.cleanup());
  await addPaper(ctx, 'X');
  await upvote(ctx, await addUser(ctx, '2025-01-01T00:00:00Z'), 'X', iso(ctx, 2 * H));
  await paperSignalsChanged(ctx, 'X');
  const [x] = await trendingPapers(ctx.store.db, { window: 'week', limit: 1 });
  assert.equal(x.score, 1, 'one vote, one half-life old, weight 2');
});

test('a full pass never overwrites a score the incremental update wrote after the pass began', async (t) => {
  const ctx = await makeTestContext();
  t.after(() => ctx.cleanup());
  await addPaper(ctx, 'P');
  await addPaper(ctx, 'Q');
  const passStart = iso(ctx, 1000);
  await ctx.store.db.insertInto('trending_scores').values({ paper_id: 'P', score: 9, score_day: 9, score_month: 9, terms: '{}', computed_at: ctx.clock.now().toISOString() }).execute();
  await ctx.store.db.insertInto('trending_scores').values({ paper_id: 'Q', score: 5, score_day: 5, score_month: 5, terms: '{}', computed_at: iso(ctx, 60_000) }).execute();
  await writeFullPass(ctx.store, [{ paper_id: 'P', score: 1, score_day: 1, score_month: 1, terms: '{}' }], passStart);
  assert.equal((await getScoreRow(ctx.store.db, 'P'))?.score, 9);
  assert.equal(await getScoreRow(ctx.store.db, 'Q'), undefined, 'a stale row the pass did not produce is removed');
});

test('views: counted per day without who, bots excluded, batched until flushed', async (t) => {
  const ctx = await makeTestContext();
  t.after(() => ctx.cleanup());
  await addPaper(ctx, 'V');
  const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
  for (let i = 0; i < 40; i++) await recordView(ctx, 'V', firefox);
  await recordView(ctx, 'V', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
  await recordView(ctx, 'V', 'curl/8.5.0');
  await recordView(ctx, 'V', undefined);
  assert.equal((await ctx.store.db.selectFrom('paper_views').selectAll().execute()).length, 0, 'nothing written per view');
  await flushViews(ctx);
  ctx.clock.advance(24 * H);
  await recordView(ctx, 'V', firefox);
  await flushViews(ctx);
  const rows = await ctx.store.db.selectFrom('paper_views').selectAll().orderBy('day').execute();
  assert.deepEqual(rows, [
    { paper_id: 'V', day: '2026-11-20', count: 40 },
    { paper_id: 'V', day: '2026-11-21', count: 1 },
  ]);
  await recomputeAll(ctx);
  const e = await explainTrending(ctx, 'V', 'week');
  // 40 views a day old (2^(-24/36) each) and one now: 40 × 0.62996 + 1 = 26.1984, × 0.05
  const views = e?.terms.find((term) => term.name === 'views');
  assert.equal(views?.value, 26.1984);
  assert.equal(views?.contribution, 1.3099);
  assert.equal(e?.score, 1.3099);
});

test('the full pass (sums in the database) gives every paper the score the incremental update computes vote by vote', async (t) => {
  const ctx = await makeTestContext();
  t.after(() => ctx.cleanup());
  const now = ctx.clock.now().getTime();
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  const D = 24 * H;
  for (const id of ['P1', 'P2', 'P3', 'P4', 'P5']) await addPaper(ctx, id, { code: id === 'P4' || id === 'P5' ? ['https://github.com/octo/shared'] : id === 'P3' ? ['https://github.com/octo/p3'] : undefined });
  // P1: established votes at many ages, on and around the window edges, and from the future.
  const ages = [0, H / 2, D - 1000, D, D + 1000, 3 * D, 7 * D - 1, 7 * D, 7 * D + 1, 20 * D, 30 * D, 30 * D + 1, 31 * D, -H / 2, -2 * H];
  for (const age of ages) await upvote(ctx, await addUser(ctx, '2025-01-01T00:00:00Z'), 'P1', at(age));
  // P2: a burst of accounts made minutes before voting, a new account voting alone, an account that
  // was new a month ago (established now), and a suspended account.
  for (let i = 0; i < 6; i++) await upvote(ctx, await addUser(ctx, at(5 * H + 10 * 60_000)), 'P2', at(5 * H - i * 5 * 60_000));
  await upvote(ctx, await addUser(ctx, at(2 * D + H)), 'P2', at(2 * D));
  await upvote(ctx, await addUser(ctx, at(33 * D)), 'P2', at(29 * D));
  const suspended = await addUser(ctx, '2025-01-01T00:00:00Z');
  await ctx.store.db.updateTable('users').set({ suspended: 1 }).where('id', '=', suspended).execute();
  await upvote(ctx, suspended, 'P2', at(H));
  // P3: stars only; P4 and P5 share a repository (and P5 has views and a comment).
  for (const [repo, samples] of [
    ['octo/p3', [[40 * D, 10], [31 * D, 50], [8 * D, 90], [2 * D, 400], [H, 460]]],
    ['octo/shared', [[6 * D, 1000], [12 * H, 1010], [0, 1500]]],
  ] as const) {
    for (const [ago, stars] of samples) await recordStars(ctx.store.db, repo, stars, at(ago));
  }
  await ctx.store.db
    .insertInto('paper_views')
    .values([0, 1, 2, 6, 8, 29, 31].map((d) => ({ paper_id: 'P5', day: new Date(now - d * D).toISOString().slice(0, 10), count: 3 + d })))
    .execute();
  await comment(ctx, suspended, 'P5', at(3 * H));

  const pass = await recomputeAll(ctx);
  const full = new Map((await ctx.store.db.selectFrom('trending_scores').selectAll().execute()).map((r) => [r.paper_id, r]));
  assert.deepEqual([...full.keys()].sort(), ['P1', 'P2', 'P3', 'P4', 'P5']);
  // Counted votes: P1's 15 minus the two older than 30 days and the one 2 h in the future (not the
  // one 30 min ahead); P2's 9 minus the suspended account's.
  assert.equal(pass.votes, 12 + 8);
  for (const id of full.keys()) {
    await paperSignalsChanged(ctx, id); // the incremental update, same clock
    const one = await getScoreRow(ctx.store.db, id);
    const a = full.get(id)!;
    for (const k of ['score', 'score_day', 'score_month'] as const) assert.ok(Math.abs(Number(a[k]) - Number(one![k])) <= 2e-4, `${id} ${k}: full ${a[k]}, incremental ${one![k]}`);
    const [x, y] = [JSON.parse(a.terms), JSON.parse(one!.terms)];
    for (const w of ['d', 'w', 'm']) x[w].forEach((v: number, i: number) => assert.ok(Math.abs(v - y[w][i]) <= 2e-4, `${id} ${w}[${i}]: full ${v}, incremental ${y[w][i]}`));
    assert.deepEqual(x.h, y.h, `${id}: upvotes per day for the sparkline`);
  }
  assert.equal(JSON.parse(full.get('P1')!.terms).h.slice(1).reduce((a: number, b: number) => a + b, 0), 11, 'P1: every counted vote on its day but the one 30 days old, before the first day of the history');
  // And the sums really are the formula's: P1's week counts ages 0 .. 7 days exactly, plus the vote 30 minutes ahead.
  const p1 = JSON.parse(full.get('P1')!.terms);
  assert.equal(p1.w[1], 9);
  assert.equal(p1.d[1], 5);
});

test('every score write moves the change mark that caches of /trending in other processes read', async (t) => {
  const ctx = await makeTestContext();
  t.after(() => ctx.cleanup());
  await addPaper(ctx, 'M');
  const marks = [await scoresChangeMark(ctx.store.db)];
  await upvote(ctx, await addUser(ctx, '2025-01-01T00:00:00Z'), 'M', iso(ctx, H));
  await paperSignalsChanged(ctx, 'M'); // the incremental update
  marks.push(await scoresChangeMark(ctx.store.db));
  await recomputeAll(ctx); // the full pass's swap
  marks.push(await scoresChangeMark(ctx.store.db));
  await writePaperScore(ctx.store.db, 'M', null, ctx.clock.now().toISOString()); // a removal
  marks.push(await scoresChangeMark(ctx.store.db));
  assert.equal(new Set(marks).size, 4, marks.join(' '));
});
