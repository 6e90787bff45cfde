// Feeds end to end through inject(): every list in RSS, Atom and JSON Feed, parsed by an independent
// parser (Python's feedparser; JSON Feed by Python's json plus the spec's required members).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { makeTestContext, type TestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { createFeedToken, revokeToken } from '../../src/store/api-tokens.js';
import { touchPaper } from '../../src/store/papers.js';
import { feedLinks } from '../../src/feeds/links.js';
import { HOSTILE_TITLE, seed, type Seeded } from '../api/seed.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// Debian's python3-feedparser lives in the system Python, which a pyenv shim may hide.
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

interface Parsed {
  bozo: boolean;
  bozo_exception: string;
  version: string;
  title: string | null;
  link: string | null;
  entries: Array<{ id: string; title: string; link: string; published: string; published_parsed: boolean; authors: string[]; tags: string[]; summary: string | null }>;
}

function parseFeeds(bodies: string[]): Parsed[] {
  const run = spawnSync(python, [path.join(here, 'parse_feeds.py')], { input: JSON.stringify(bodies.map((body) => ({ body }))), maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.status, 0, `the feed parser failed: ${run.stderr}`);
  return JSON.parse(run.stdout.toString());
}

async function setup(): Promise<{ ctx: TestContext; app: FastifyInstance; users: Seeded; topicsToken: string }> {
  const ctx = await makeTestContext();
  const users = await seed(ctx);
  const now = ctx.clock.now().toISOString();
  // alice follows a topic, a category and an author through her digest subscription.
  await ctx.store.db
    .insertInto('subscribers')
    .values({ email: 'alice@example.org', status: 'active', user_id: users.alice.id, frequency: 'daily', hour: 7, timezone: 'UTC', weekday: 1, top_n: 10, include_daily: 1, categories: '["hep-th"]', topics: '["weather"]', authors: '["Grace Hopper"]', created_at: now, updated_at: now })
    .execute();
  const { token } = await createFeedToken(ctx.store.db, users.alice.id, now);
  return { ctx, app: await buildApp(ctx), users, topicsToken: token };
}

const FORMATS = { rss: 'rss20', atom: 'atom10', json: 'json11' } as const;
const TYPES = { rss: 'application/rss+xml; charset=utf-8', atom: 'application/atom+xml; charset=utf-8', json: 'application/feed+json; charset=utf-8' };

test('every list is a valid RSS, Atom and JSON feed with the required elements of each item', async () => {
  const { ctx, app, topicsToken } = await setup();
  try {
    const lists: Array<[string, number]> = [
      ['/feeds/daily', 4],
      ['/feeds/trending/day', 1],
      ['/feeds/trending/week', 1],
      ['/feeds/trending/month', 1],
      ['/feeds/category/cs.LG', 3],
      ['/feeds/author/ada%20LOVELACE', 3],
      [`/feeds/topics/${topicsToken}`, 2],
    ];
    const urls: Array<{ url: string; format: keyof typeof FORMATS; min: number }> = [];
    for (const [base, min] of lists) for (const format of Object.keys(FORMATS) as Array<keyof typeof FORMATS>) urls.push({ url: `${base}.${format}`, format, min });
    for (const format of Object.keys(FORMATS) as Array<keyof typeof FORMATS>) urls.push({ url: `/feeds/search.${format}?q=weather`, format, min: 1 });
    const bodies: string[] = [];
    for (const u of urls) {
      const res = await app.inject({ url: u.url });
      assert.equal(res.statusCode, 200, `${u.url}: ${res.body.slice(0, 200)}`);
      assert.equal(res.headers['content-type'], TYPES[u.format], u.url);
      bodies.push(res.body);
    }
    const parsed = parseFeeds(bodies);
    parsed.forEach((feed, i) => {
      const { url, format, min } = urls[i];
      assert.equal(feed.bozo, false, `${url}: ${feed.bozo_exception}`);
      assert.equal(feed.version, FORMATS[format], url);
      assert.ok(feed.title && feed.title.includes('paperboy'), `${url}: feed title`);
      assert.ok(feed.link?.startsWith(ctx.config.baseUrl), `${url}: feed link`);
      assert.ok(feed.entries.length >= min, `${url}: ${feed.entries.length} entries, expected at least ${min}`);
      for (const e of feed.entries) {
        assert.match(e.id, /^http:\/\/127\.0\.0\.1:3000\/papers\/(\d{4}\.\d{5}|hep-th\/9901001)$/, `${url}: stable id`);
        assert.equal(e.link, e.id, `${url}: link to the paper page`);
        assert.ok(e.title && !/[$\\]/.test(e.title), `${url}: title as plain text, got ${e.title}`);
        assert.ok(e.published_parsed, `${url}: parseable date`);
        assert.ok(e.authors.length > 0 && e.authors.every(Boolean), `${url}: authors`);
        assert.ok(e.tags.length > 0, `${url}: categories`);
      }
    });
    // The daily feed lists the most recent list first and renders LaTeX as text.
    const dailyAtom = parsed[urls.findIndex((u) => u.url === '/feeds/daily.atom')];
    assert.equal(dailyAtom.entries[0].id, 'http://127.0.0.1:3000/papers/hep-th/9901001');
    assert.ok(dailyAtom.entries.some((e) => e.title === 'Paper 2611.00001 on O(n²) sorting'));
    // The private feed holds exactly what alice follows: the weather topic, hep-th, Grace Hopper.
    const topics = parsed[urls.findIndex((u) => u.url === `/feeds/topics/${topicsToken}.atom`)];
    assert.deepEqual(topics.entries.map((e) => e.id.split('/papers/')[1]).sort(), ['2611.00002', 'hep-th/9901001']);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('hostile titles and abstracts never break the XML and stay text', async () => {
  const { ctx, app } = await setup();
  try {
    const bodies: string[] = [];
    for (const format of ['rss', 'atom', 'json']) bodies.push((await app.inject({ url: `/feeds/category/cs.DS.${format}` })).body);
    for (const body of bodies) {
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(body, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/, 'no characters XML forbids');
    }
    for (const xml of bodies.slice(0, 2)) {
      assert.ok(!xml.includes('<script>'), 'no live markup');
      assert.ok(!xml.includes('<![CDATA['), 'no CDATA section to break out of');
    }
    const json = JSON.parse(bodies[2]) as { items: Array<{ id: string; content_html: string }> };
    const item = json.items.find((i) => i.id.endsWith('2611.00003'))!;
    assert.ok(!item.content_html.includes('<b>') && item.content_html.includes('&lt;b&gt;bold&lt;/b&gt;'), 'the abstract is escaped inside content_html');
    const parsed = parseFeeds(bodies);
    for (const feed of parsed) {
      assert.equal(feed.bozo, false, feed.bozo_exception);
      const hostile = feed.entries.find((e) => e.id.endsWith('2611.00003'));
      assert.ok(hostile, `${feed.version}: the hostile paper is listed`);
      assert.ok(hostile.title.includes(']]> feeds <script>alert(1)</script> & "quotes"'), `${feed.version}: title kept as literal text: ${hostile.title}`);
      assert.ok(hostile.title.endsWith('with α-nets'), `${feed.version}: ${hostile.title}`);
    }
    assert.ok(HOSTILE_TITLE.includes('\u0001'), 'the fixture really carries control characters');
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('conditional GET answers 304 until the list changes; cache headers and CORS', async () => {
  const { ctx, app } = await setup();
  try {
    const first = await app.inject({ url: '/feeds/daily.atom' });
    assert.equal(first.statusCode, 200);
    const etag = first.headers.etag as string;
    const lastModified = first.headers['last-modified'] as string;
    assert.match(etag, /^"[\w-]+"$/);
    assert.ok(Date.parse(lastModified) > 0);
    assert.equal(first.headers['cache-control'], 'public, max-age=300');
    assert.equal(first.headers['access-control-allow-origin'], '*');
    assert.equal(first.headers['set-cookie'], undefined, 'a publicly cacheable response carries no cookie');

    const again = await app.inject({ url: '/feeds/daily.atom', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    const since = await app.inject({ url: '/feeds/daily.atom', headers: { 'if-modified-since': lastModified } });
    assert.equal(since.statusCode, 304);
    // Clients that accept gzip get the same feed compressed, as its own representation.
    const zipped = await app.inject({ url: '/feeds/daily.atom', headers: { 'accept-encoding': 'gzip, deflate' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'Accept-Encoding');
    assert.equal(gunzipSync(zipped.rawPayload).toString(), first.body);
    assert.notEqual(zipped.headers.etag, etag);
    assert.equal((await app.inject({ url: '/feeds/daily.atom', headers: { 'accept-encoding': 'gzip', 'if-none-match': String(zipped.headers.etag) } })).statusCode, 304);

    // A listed paper is renamed two seconds later (past the one-second reuse, well within the cache
    // TTL): the content version catches it and the same validators no longer match.
    ctx.clock.advance(2_000);
    await ctx.store.db.updateTable('papers').set({ title: 'A renamed paper' }).where('id', '=', '2611.00002').execute();
    await touchPaper(ctx.store.db, '2611.00002', ctx.clock.now().toISOString());
    const changed = await app.inject({ url: '/feeds/daily.atom', headers: { 'if-none-match': etag } });
    assert.equal(changed.statusCode, 200);
    assert.notEqual(changed.headers.etag, etag);
    assert.ok(changed.body.includes('A renamed paper'));
    const changedSince = await app.inject({ url: '/feeds/daily.atom', headers: { 'if-modified-since': lastModified } });
    assert.equal(changedSince.statusCode, 200);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('item limits, bad parameters and unknown feeds', async () => {
  const { ctx, app } = await setup();
  try {
    const two = parseFeeds([(await app.inject({ url: '/feeds/daily.rss?limit=2' })).body]);
    assert.equal(two[0].entries.length, 2);
    for (const bad of ['0', '101', 'abc', '2.5']) {
      const res = await app.inject({ url: `/feeds/daily.rss?limit=${bad}`, headers: { accept: 'application/json' } });
      assert.equal(res.statusCode, 400, bad);
      assert.match(res.json().error, /limit must be an integer from 1 to 100/);
    }
    assert.equal((await app.inject({ url: '/feeds/search.rss' })).statusCode, 400);
    assert.equal((await app.inject({ url: '/feeds/search.rss?q=weather&sort=random' })).statusCode, 400);
    assert.equal((await app.inject({ url: '/feeds/search.rss?q=weather&mode=keyword&sort=relevance' })).statusCode, 200);
    assert.equal((await app.inject({ url: `/feeds/search.rss?q=${'x'.repeat(251)}` })).statusCode, 400);
    assert.equal((await app.inject({ url: '/feeds/category/not%20a%20category.rss' })).statusCode, 400);
    for (const url of ['/feeds/trending/year.rss', '/feeds/weekly.rss', '/feeds/daily.xml', '/feeds/category/.rss', '/feeds/topics/pbf_unknown.rss']) {
      assert.equal((await app.inject({ url })).statusCode, 404, url);
    }
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('a private topics feed is private and stops working once revoked', async () => {
  const { ctx, app, users } = await setup();
  try {
    const { id, token } = await createFeedToken(ctx.store.db, users.alice.id, ctx.clock.now().toISOString());
    const ok = await app.inject({ url: `/feeds/topics/${token}.json` });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['cache-control'], 'private, max-age=300');
    assert.equal(ok.headers['access-control-allow-origin'], undefined);
    assert.equal(await revokeToken(ctx.store.db, 'feed', users.bob.id, id, ctx.clock.now().toISOString()), false, 'only its owner revokes it');
    assert.equal(await revokeToken(ctx.store.db, 'feed', users.alice.id, id, ctx.clock.now().toISOString()), true);
    assert.equal((await app.inject({ url: `/feeds/topics/${token}.json` })).statusCode, 404);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});

test('feedLinks gives discoverable, escaped alternate links; /feeds lists the feeds', async () => {
  const links = feedLinks('search', 'a "b" <c>').value;
  assert.equal((links.match(/<link rel="alternate"/g) ?? []).length, 3);
  for (const type of ['application/rss+xml', 'application/atom+xml', 'application/feed+json']) assert.ok(links.includes(`type="${type}"`), type);
  assert.ok(links.includes('href="/feeds/search.rss?q=a%20%22b%22%20%3Cc%3E"'));
  assert.ok(!links.includes('<c>'));
  assert.ok(feedLinks('trending', 'day').value.includes('href="/feeds/trending/day.atom"'));

  const { ctx, app } = await setup();
  try {
    const page = await app.inject({ url: '/feeds' });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('href="/feeds/trending/month.json"'));
    assert.ok(page.body.includes('<link rel="alternate" type="application/atom+xml"'));
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});
