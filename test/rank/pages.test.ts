// The trending page, the published formula and the momentum chart, through the real app (inject).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { momentumChart } from '../../src/rank/chart.js';
import { paperSignalsChanged } from '../../src/rank/hooks.js';
import { recomputeAll } from '../../src/rank/recompute.js';
import { recordStars } from '../../src/store/signals.js';
import { setPaperHidden } from '../../src/store/papers.js';
import { buildApp } from '../../src/web/app.js';
import { hidePaper } from '../../src/community/moderation.js';
import { getUserById, setUserRole } from '../../src/store/users.js';
import { makeTestContext } from '../helpers.js';
import { addPaper, addUser, upvote } from './seed.js';

const H = 3_600_000;

async function site() {
  const ctx = await makeTestContext();
  const at = (msAgo: number) => new Date(ctx.clock.now().getTime() - msAgo).toISOString();
  await addPaper(ctx, '2611.00001', { title: 'Diffusion <b>models</b> & friends', categories: ['cs.CV'], code: ['https://github.com/octo/diff'] });
  await addPaper(ctx, '2611.00002', { title: 'Sparse attention for language models', categories: ['cs.CL'] });
  await addPaper(ctx, '2611.00003', { title: 'A hidden paper', categories: ['cs.CL'] });
  for (let i = 0; i < 4; i++) await upvote(ctx, await addUser(ctx, '2025-01-01T00:00:00Z'), '2611.00001', at((i + 1) * 24 * H));
  for (let i = 0; i < 2; i++) await upvote(ctx, await addUser(ctx, '2025-01-01T00:00:00Z'), '2611.00002', at(H));
  for (let i = 0; i < 9; i++) await upvote(ctx, await addUser(ctx, '2025-01-01T00:00:00Z'), '2611.00003', at(H));
  await setPaperHidden(ctx.store.db, '2611.00003', true, at(0));
  await recordStars(ctx.store.db, 'octo/diff', 10, at(10 * 24 * H));
  await recordStars(ctx.store.db, 'octo/diff', 250, at(0));
  await recomputeAll(ctx);
  const app = await buildApp(ctx);
  return { ctx, app };
}

test('/trending lists visible papers by score in each window, with sparklines, escaped titles and filters', async (t) => {
  const { ctx, app } = await site();
  t.after(async () => {
    await app.close();
    await ctx.cleanup();
  });
  const week = await app.inject({ url: '/trending' });
  assert.equal(week.statusCode, 200);
  assert.match(week.headers['content-type'] as string, /text\/html/);
  const order = [...week.body.matchAll(/data-paper="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(order, ['2611.00001', '2611.00002'], 'stars carry the older paper; the hidden one never shows');
  assert.ok(week.body.includes('Diffusion &lt;b&gt;models&lt;/b&gt; &amp; friends'), 'titles are escaped');
  assert.ok(!week.body.includes('<b>models</b>'));
  assert.match(week.body, /<svg class="sparkline"[^>]*role="img"[^>]*aria-label="Upvotes per day over the last 14 days: 4 in all"/);
  assert.match(week.body, /href="\/papers\/2611.00001#trend-h"[^>]*>score \d+\.\d\d</);
  assert.match(week.body, /aria-current="page">This week</);

  const today = await app.inject({ url: '/trending?window=day' });
  const todayOrder = [...today.body.matchAll(/data-paper="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(todayOrder, ['2611.00001', '2611.00002']);

  const cl = await app.inject({ url: '/trending?category=cs.CL' });
  assert.deepEqual([...cl.body.matchAll(/data-paper="([^"]+)"/g)].map((m) => m[1]), ['2611.00002']);
  const code = await app.inject({ url: '/trending?code=1' });
  assert.deepEqual([...code.body.matchAll(/data-paper="([^"]+)"/g)].map((m) => m[1]), ['2611.00001']);
  const topic = await app.inject({ url: `/trending?topic=${encodeURIComponent('attention')}` });
  assert.deepEqual([...topic.body.matchAll(/data-paper="([^"]+)"/g)].map((m) => m[1]), ['2611.00002']);
  assert.match(topic.body, /value="attention"/);
});

test('/trending answers bad input with 400 and a message, never a 500', async (t) => {
  const { ctx, app } = await site();
  t.after(async () => {
    await app.close();
    await ctx.cleanup();
  });
  for (const url of ['/trending?window=year', '/trending?category=%3Cscript%3E', '/trending?page=0', '/trending?page=abc', '/trending?window=day&window=week', `/trending?topic=${'x'.repeat(300)}`]) {
    const res = await app.inject({ url });
    assert.equal(res.statusCode, 400, url);
    assert.ok(!res.body.includes('<script>'), url);
  }
});

test('/about/trending publishes the formula with this instance’s weights, half-life and vote-ring rule', async (t) => {
  const ctx = await makeTestContext({ PAPERBOY_TRENDING_WEIGHTS: 'upvotes=1.5,comments=0.25,stars=2,views=0', PAPERBOY_TRENDING_HALF_LIFE_HOURS: '48' });
  const app = await buildApp(ctx);
  t.after(async () => {
    await app.close();
    await ctx.cleanup();
  });
  const res = await app.inject({ url: '/about/trending' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /score = 1\.5 × U \+ 0\.25 × C \+ 2 × log<sub>2<\/sub>\(1 \+ S\) \+ 0 × V/);
  assert.match(res.body, /half after 48 hours/);
  assert.match(res.body, /less than 24 hours old when it voted counts 0\.25/);
  assert.match(res.body, /5 or more such new-account votes land on the same paper within 60 minutes, each vote of that burst counts 0\.05/);
});

test('momentum chart: an accessible SVG of upvotes and stars, colours from the page, nothing for hidden papers', async (t) => {
  const { ctx, app } = await site();
  t.after(async () => {
    await app.close();
    await ctx.cleanup();
  });
  const svg = (await momentumChart(ctx, '2611.00001')).value;
  assert.match(svg, /<svg [^>]*role="img" aria-labelledby="momentum-2611-00001-t momentum-2611-00001-d"/);
  assert.match(svg, /<title id="momentum-2611-00001-t">/);
  assert.match(svg, /<desc id="momentum-2611-00001-d">Over the 60 days from 2026-09-22 to 2026-11-20, upvotes went from 0 to 4 and GitHub stars of octo\/diff from 10 to 250\./);
  assert.match(svg, /stroke="currentColor"/);
  assert.match(svg, /var\(--accent/);
  assert.ok(!svg.includes('<script'));
  assert.equal((await momentumChart(ctx, '2611.00003')).value, '', 'hidden');
  assert.equal((await momentumChart(ctx, 'nope')).value, '');
});

test('/trending shows a new upvote on the next request and drops a paper as soon as it is hidden', async (t) => {
  const { ctx, app } = await site();
  t.after(async () => {
    await app.close();
    await ctx.cleanup();
  });
  const order = async () => [...(await app.inject({ url: '/trending?window=day' })).body.matchAll(/data-paper="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(await order(), ['2611.00001', '2611.00002']);
  for (let i = 0; i < 6; i++) {
    await upvote(ctx, await addUser(ctx, '2025-01-01T00:00:00Z'), '2611.00002', ctx.clock.now().toISOString());
    await paperSignalsChanged(ctx, '2611.00002');
  }
  assert.deepEqual(await order(), ['2611.00002', '2611.00001'], 'no stale cached list after an upvote');
  // Through the moderation action, as the admin page does: the cached page is dropped at once.
  const curatorId = await addUser(ctx, '2025-01-01T00:00:00Z');
  await setUserRole(ctx.store.db, curatorId, 'curator');
  await hidePaper(ctx, (await getUserById(ctx.store.db, curatorId))!, '2611.00002', true);
  assert.deepEqual(await order(), ['2611.00001'], 'hidden at once, even from a cached page');
});
