// The Hugging Face compatible endpoints through inject(): shapes against our schema, against the
// field list of hf-papers-api.md and against real recorded /api/daily_papers answers; parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fixtures, makeTestContext, type TestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { hfDailyItem, hfPaper } from '../../src/api/schemas.js';
import { seed } from './seed.js';

async function setup(env: Record<string, string> = {}): Promise<{ ctx: TestContext; app: FastifyInstance }> {
  const ctx = await makeTestContext(env);
  await seed(ctx);
  return { ctx, app: await buildApp(ctx) };
}

async function get(app: FastifyInstance, url: string, headers: Record<string, string> = {}) {
  const res = await app.inject({ url, headers });
  return { status: res.statusCode, headers: res.headers, body: res.body, json: () => JSON.parse(res.body) };
}

const daily = z.array(hfDailyItem);
const ids = (items: Array<{ paper: { id: string } }>) => items.map((i) => i.paper.id);

// Fields of the real answers we knowingly leave out: paperboy has no organizations, media, bot
// attribution of repositories, summary models or follower counts.
const NOT_SERVED = new Set(['organization', 'mediaUrls', 'githubRepoAddedBy', 'ai_summary_model', 'followerCount']);

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Every key (with its type) used anywhere in a list of objects. */
function keysOf(objects: Array<Record<string, unknown>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const o of objects) for (const [k, v] of Object.entries(o)) out.set(k, (out.get(k) ?? new Set()).add(jsonType(v)));
  return out;
}

// Authors on HF can claim their papers (a linked account and a claim status); paperboy has no claims.
const CLAIMS = new Set(['user', 'status', 'statusLastChangedAt']);

function assertCovers(ours: Record<string, unknown>, theirs: Map<string, Set<string>>, where: string, skip = NOT_SERVED) {
  for (const [key, types] of theirs) {
    if (skip.has(key)) continue;
    assert.ok(key in ours, `${where}: missing field ${key}`);
    const t = jsonType(ours[key]);
    assert.ok(t === 'null' || types.has(t), `${where}.${key}: ${t}, the real API sends ${[...types].join('|')}`);
  }
}

test('daily_papers answers the shapes of the real HF API and of hf-papers-api.md', async () => {
  const { ctx, app } = await setup();
  try {
    const res = await get(app, '/api/daily_papers?date=2026-11-19');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    const items = daily.parse(res.json());
    assert.equal(items.length, 3);

    // Against the recorded answers of huggingface.co (every field they use, with the same JSON type).
    const recorded = readdirSync(path.join(fixtures, 'hf')).flatMap((f) => JSON.parse(readFileSync(path.join(fixtures, 'hf', f), 'utf8')) as Array<Record<string, any>>);
    assert.ok(recorded.length >= 20);
    for (const item of res.json() as Array<Record<string, any>>) {
      assertCovers(item, keysOf(recorded), 'item');
      assertCovers(item.paper, keysOf(recorded.map((r) => r.paper)), 'item.paper');
      assertCovers(item.submittedBy, keysOf(recorded.map((r) => r.submittedBy)), 'item.submittedBy');
      assertCovers(item.paper.authors[0], keysOf(recorded.flatMap((r) => r.paper.authors)), 'item.paper.authors[]', CLAIMS);
    }
    // Against the example of the document clients are promised.
    const doc = readFileSync(path.join(fixtures, '..', 'docs', 'hf-papers-api.md'), 'utf8');
    const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(doc)![1]);
    for (const item of res.json() as Array<Record<string, any>>) {
      assertCovers(item, keysOf([example]), 'doc item');
      assertCovers(item.paper, keysOf([example.paper]), 'doc item.paper');
      assertCovers(item.submittedBy, keysOf([example.submittedBy]), 'doc submittedBy');
    }

    // Meanings: the outer publishedAt is when it went on the list (that day), upvotes on paper, comments outside.
    const top = items[0];
    assert.equal(top.paper.id, '2611.00002', 'most upvoted first within a day');
    assert.equal(top.paper.upvotes, 2);
    assert.equal(top.publishedAt, '2026-11-19T09:00:00.000Z');
    assert.equal(top.paper.submittedOnDailyAt, '2026-11-19T09:00:00.000Z');
    assert.equal(top.paper.publishedAt, '2026-11-17T18:00:00.000Z');
    assert.equal(top.paper.githubRepo, 'https://github.com/owner/repo');
    const byAlice = items.find((i) => i.paper.id === '2611.00001')!;
    assert.equal(byAlice.submittedBy?.user, 'alice');
    assert.equal(byAlice.paper.submittedOnDailyBy?.user, 'alice');
    assert.equal(byAlice.paper.ai_summary, 'We study sorting networks of depth log n.');
    assert.ok(byAlice.paper.ai_keywords!.includes('sorting networks'), byAlice.paper.ai_keywords!.join(', '));
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('daily_papers: latest list by default, week, month, submitter, sort, pages', async () => {
  const { ctx, app } = await setup();
  try {
    assert.deepEqual(ids((await get(app, '/api/daily_papers')).json()), ['hep-th/9901001'], 'the most recent list');
    // huggingface_hub given endpoint="http://host/" (with the slash) asks for //api/daily_papers.
    assert.deepEqual(ids((await get(app, '//api/daily_papers')).json()), ['hep-th/9901001']);
    assert.deepEqual(ids((await get(app, '/api/daily_papers?week=2026-W47')).json()), ['hep-th/9901001', '2611.00002', '2611.00001', '2611.00003']);
    assert.equal((await get(app, '/api/daily_papers?month=2026-11')).json().length, 4);
    assert.equal((await get(app, '/api/daily_papers?month=2026-10')).json().length, 0);
    assert.equal((await get(app, '/api/daily_papers?week=2026-W48')).json().length, 0);
    assert.deepEqual(ids((await get(app, '/api/daily_papers?month=2026-11&submitter=alice')).json()), ['2611.00001']);
    assert.deepEqual(ids((await get(app, '/api/daily_papers?month=2026-11&submitter=nobody')).json()), []);
    const trending = ids((await get(app, '/api/daily_papers?month=2026-11&sort=trending')).json());
    assert.deepEqual(trending.slice(0, 2), ['2611.00002', '2611.00001'], 'highest trending score first');
    const page0 = ids((await get(app, '/api/daily_papers?month=2026-11&limit=3&p=0')).json());
    const page1 = ids((await get(app, '/api/daily_papers?month=2026-11&limit=3&p=1')).json());
    assert.equal(page0.length, 3);
    assert.equal(page1.length, 1);
    assert.equal(new Set([...page0, ...page1]).size, 4, 'pages do not overlap');
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('out-of-range parameters answer 400 with a message that names them', async () => {
  const { ctx, app } = await setup();
  try {
    const cases: Array<[string, RegExp]> = [
      ['/api/daily_papers?limit=0', /limit must be an integer from 1 to 100/],
      ['/api/daily_papers?limit=101', /limit must be an integer from 1 to 100/],
      ['/api/daily_papers?limit=ten', /limit must be an integer from 1 to 100/],
      ['/api/daily_papers?p=-1', /p must be an integer from 0/],
      ['/api/daily_papers?date=2026-13-01', /date/],
      ['/api/daily_papers?date=2026-02-30', /date must be a real calendar day/],
      ['/api/daily_papers?week=2026-W54', /week must be an ISO week/],
      ['/api/daily_papers?week=2025-W53', /2025 has no week 53/],
      ['/api/daily_papers?month=2026-00', /month must be YYYY-MM/],
      ['/api/daily_papers?sort=hot', /sort must be publishedAt or trending/],
      ['/api/daily_papers?date=2026-11-19&week=2026-W47', /at most one of date, week and month/],
      ['/api/papers/search?q=a&q=b', /q must be given once/],
      ['/api/papers/search?q=%20', /q must not be empty/],
      [`/api/papers/search?q=${'a'.repeat(251)}`, /at most 250 characters/],
      ['/api/papers/search?q=sorting&limit=121', /limit must be an integer from 1 to 120/],
    ];
    for (const [url, message] of cases) {
      const res = await get(app, url);
      assert.equal(res.status, 400, url);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8', url);
      assert.deepEqual(Object.keys(res.json()), ['error'], url);
      assert.match(res.json().error, message, url);
    }
    assert.equal((await get(app, '/api/daily_papers?week=2026-W53')).status, 200, '2026 starts on a Thursday: 53 ISO weeks');
    assert.equal((await get(app, '/api/daily_papers?week=2020-W53')).status, 200, '2020 has 53 ISO weeks');
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('papers/{id}: with or without version, old-style ids, 404 for unknown and hidden papers', async () => {
  const { ctx, app } = await setup();
  try {
    for (const [url, id] of [
      ['/api/papers/2611.00001', '2611.00001'],
      ['/api/papers/2611.00001v2', '2611.00001'],
      ['/api/papers/hep-th/9901001', 'hep-th/9901001'],
      ['/api/papers/hep-th/9901001v1', 'hep-th/9901001'],
    ]) {
      const res = await get(app, url);
      assert.equal(res.status, 200, url);
      assert.equal(hfPaper.parse(res.json()).id, id, url);
    }
    const never = hfPaper.parse((await get(app, '/api/papers/2611.00005')).json());
    assert.equal(never.submittedOnDailyAt, null);
    assert.equal(never.submittedOnDailyBy, null);
    for (const url of ['/api/papers/2611.99999', '/api/papers/hep-th/0000000', '/api/papers/nonsense']) {
      const res = await get(app, url);
      assert.equal(res.status, 404, url);
      assert.match(res.json().error, /No paper/);
    }
    await ctx.store.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', '2611.00005').execute();
    assert.equal((await get(app, '/api/papers/2611.00005')).status, 404, 'hidden papers are not served');
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('papers/search answers daily-item-shaped results', async () => {
  const { ctx, app } = await setup();
  try {
    const res = await get(app, '/api/papers/search?q=weather&limit=5');
    assert.equal(res.status, 200);
    const items = daily.parse(res.json());
    assert.deepEqual(ids(items), ['2611.00002']);
    assert.equal(items[0].paper.submittedOnDailyAt, '2026-11-19T09:00:00.000Z');
    assert.equal(items[0].publishedAt, '2026-11-19T09:00:00.000Z');
    assert.equal(items[0].submittedBy?.user, 'paperboy', 'listed by import: the site user');

    // A paper never on a daily list: no submission date and no submitter.
    const never = daily.parse((await get(app, '/api/papers/search?q=never+listed')).json()).find((i) => i.paper.id === '2611.00005');
    assert.ok(never, 'the never-listed paper is found');
    assert.equal(never.publishedAt, null);
    assert.equal(never.submittedBy, null);
    assert.equal(never.paper.submittedOnDailyAt, null);

    // Without q (huggingface_hub's list_papers() with no query): the newest papers, limit applies.
    const newest = daily.parse((await get(app, '/api/papers/search?limit=2')).json());
    assert.equal(newest.length, 2);
    for (const item of newest) assert.ok(item.paper.publishedAt >= '2026-11-17', item.paper.id);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('/papers/{id}.md is the paper as Markdown and wins over the HTML paper page', async () => {
  const { ctx, app } = await setup();
  try {
    for (const [url, title] of [
      ['/papers/2611.00001.md', '# Paper 2611.00001 on O(n²) sorting'],
      ['/papers/2611.00001v2.md', '# Paper 2611.00001 on O(n²) sorting'],
      ['/papers/hep-th/9901001.md', '# Old style strings'],
    ]) {
      const res = await get(app, url);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers['content-type'], 'text/markdown; charset=utf-8');
      assert.ok(res.body.startsWith(`${title}\n`), res.body.slice(0, 80));
      assert.ok(res.body.includes('**Authors:** Ada Lovelace, Léon Bottou'));
      assert.ok(res.body.includes('## Abstract'));
    }
    const html = await get(app, '/papers/2611.00001');
    assert.equal(html.status, 200);
    assert.match(String(html.headers['content-type']), /^text\/html/, 'the page itself stays the web page');
    assert.equal((await get(app, '/papers/2611.99999.md')).status, 404);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('conditional GET, CORS for reading, and per-IP rate limits with Retry-After', async () => {
  const { ctx, app } = await setup({ PAPERBOY_RATE_LIMIT_PER_MIN: '5' });
  try {
    const first = await get(app, '/api/daily_papers?date=2026-11-19');
    assert.equal(first.headers['access-control-allow-origin'], '*');
    assert.equal(first.headers['set-cookie'], undefined, 'a publicly cacheable response carries no cookie');
    const again = await get(app, '/api/daily_papers?date=2026-11-19', { 'if-none-match': String(first.headers.etag) });
    assert.equal(again.status, 304);
    const preflight = await app.inject({ method: 'OPTIONS', url: '/api/daily_papers', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' } });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-methods'], 'GET, HEAD, OPTIONS');
    let limited;
    for (let i = 0; i < 6 && !limited; i++) {
      const res = await get(app, '/api/papers/2611.00001');
      if (res.status === 429) limited = res;
    }
    assert.ok(limited, 'the sixth request within a minute is refused');
    assert.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After says when to come back');
    assert.match(limited.json().error, /Too many requests/);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});
