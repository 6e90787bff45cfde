// bm25_df (src/search/sqlite/bm25-df.c): FTS5's bm25() with the phrases' document counts passed in.
// With the current counts it must score every row exactly as the index's own rank does, for every
// kind of phrase the query language compiles to; counts of common phrases are kept for a while,
// rarer ones are counted each time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { makeTestContext, testDatabaseUrl } from '../helpers.js';
import { upsertPapers, type PaperInput } from '../../src/store/papers.js';
import { SqliteSearchIndex } from '../../src/search/sqlite/index.js';
import { PhraseCounts, loadBm25Df } from '../../src/search/sqlite/bm25-df.js';
import { compileMatch, matchPhrases } from '../../src/search/sqlite/match.js';
import { anyWords, parseQuery } from '../../src/search/query.js';

const hasCompiler = (() => {
  try {
    execFileSync(process.env.CC || 'cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
// On the PostgreSQL run these are skipped, not passed empty: bm25_df is an FTS5 function.
const skip = testDatabaseUrl
  ? 'SQLite engine only: bm25_df ranks FTS5 matches'
  : !hasCompiler && 'no C compiler here: bm25_df cannot be built, search ranks with bm25() (covered by the other search tests)';

const words = ['graph', 'neural', 'network', 'learning', 'deep', 'model', 'data', 'reduction', 'molecule', 'translation', 'attention', 'kernel'];
const names = ['Ada Lovelace', 'Geoffrey Hinton', 'Grace Hopper', 'Alan Turing'];
function papers(count: number, from = 0): PaperInput[] {
  let seed = 7 + from;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const text = (n: number) => Array.from({ length: n }, () => words[Math.floor(next() * words.length)]).join(' ');
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      id: `2402.${String(i).padStart(5, '0')}`,
      version: 1,
      title: text(3 + (i % 5)),
      abstract: `${text(20 + (i % 17))}.`,
      authors: [names[i % names.length], names[(i * 3 + 1) % names.length]],
      categories: ['cs.LG'],
      publishedAt: '2024-02-01T00:00:00Z',
      updatedAt: '2024-02-01T00:00:00Z',
      links: {},
      source: 'demo',
    };
  });
}

// Every kind of phrase: one word, several, a quoted phrase, an author, an excluded word, a word
// being typed (plain and prefix phrases), and the any-word form of relaxed and more-like-this queries.
const queries = ['graph ', 'deep learning model ', '"neural network" data ', 'author:hinton kernel ', 'learning -attention ', 'molecule transl', 'graph "deep learning" author:turing -data '];

test('bm25_df with the current counts scores every row as the rank column does', { skip }, async () => {
  const ctx = await makeTestContext();
  try {
    assert.ok(ctx.store.sqlite, 'an SQLite store');
    await upsertPapers(ctx.store.db, papers(300), ctx.clock.now().toISOString());
    const db = ctx.store.sqlite;
    assert.equal(loadBm25Df(db, ctx.config.PAPERBOY_DATA_DIR), true, 'bm25_df builds and loads where a C compiler is available');
    const counts = new PhraseCounts(db);
    for (const q of queries) {
      for (const text of [parseQuery(q).text, anyWords(parseQuery(q).text)].filter((t) => t !== undefined)) {
        const match = compileMatch(text)!;
        const rank = db.prepare('select rowid, rank s from papers_fts where papers_fts match ? order by rowid').all(match) as Array<{ rowid: number; s: number }>;
        const known = db
          .prepare('select rowid, bm25_df(papers_fts, ?, 10.0, 4.0, 1.0) s from papers_fts where papers_fts match ? order by rowid')
          .all(counts.blob('papers_fts', matchPhrases(text)), match) as Array<{ rowid: number; s: number }>;
        assert.ok(rank.length > 0, `${q} matches`);
        assert.deepEqual(known, rank, `scores of ${match}`);
        // Counts for another number of phrases are ignored: it counts them itself, as bm25() does.
        const wrong = db.prepare('select rowid, bm25_df(papers_fts, ?, 10.0, 4.0, 1.0) s from papers_fts where papers_fts match ? order by rowid').all(Buffer.alloc(8 * 9), match);
        assert.deepEqual(wrong, rank, `scores of ${match} with a mismatched count blob`);
      }
    }
  } finally {
    await ctx.cleanup();
  }
});

test('keyword search ranks the same with bm25_df as with bm25()', { skip }, async () => {
  const ctx = await makeTestContext();
  try {
    assert.ok(ctx.store.sqlite, 'an SQLite store');
    await upsertPapers(ctx.store.db, papers(300), ctx.clock.now().toISOString());
    const withCounts = new SqliteSearchIndex(ctx.store.sqlite, 50, true, { dataDir: ctx.config.PAPERBOY_DATA_DIR });
    const plain = new SqliteSearchIndex(ctx.store.sqlite, 50, true, { knownCounts: false });
    assert.ok(withCounts.phraseCounts, 'bm25_df is used');
    assert.equal(plain.phraseCounts, undefined);
    for (const q of queries) {
      for (const filters of [{ categories: [] }, { categories: ['cs.LG'] }]) {
        const o = { limit: 20, offset: 0, sort: 'relevance' as const, countCap: 1000 };
        const a = await withCounts.keyword(parseQuery(q).text, filters, o);
        const b = await plain.keyword(parseQuery(q).text, filters, o);
        assert.deepEqual(a, b, `${q} ${JSON.stringify(filters)}`);
      }
    }
  } finally {
    await ctx.cleanup();
  }
});

test('counts of common phrases are kept for a while, rarer ones are counted each time', { skip }, async () => {
  const ctx = await makeTestContext();
  try {
    assert.ok(ctx.store.sqlite, 'an SQLite store');
    const now = ctx.clock.now().toISOString();
    await upsertPapers(ctx.store.db, papers(200), now);
    const db = ctx.store.sqlite;
    const count = (phrase: string) => db.prepare('select count(*) from papers_fts where papers_fts match ?').pluck().get(phrase) as number;
    const common = '"graph"';
    const rare = '"hopper"'; // an author of a quarter of the papers
    const counts = new PhraseCounts(db, count(common), 60_000);
    assert.ok(count(rare) < count(common));
    const t0 = 1_000_000;
    const before = { common: counts.count('papers_fts', common, t0), rare: counts.count('papers_fts', rare, t0) };
    assert.deepEqual(before, { common: count(common), rare: count(rare) });

    await upsertPapers(ctx.store.db, papers(100, 200), now);
    assert.ok(count(common) > before.common && count(rare) > before.rare, 'the new papers hold both');
    // Within the time a count is kept: the common phrase's count is the kept one, the rare one is fresh.
    assert.equal(counts.count('papers_fts', common, t0 + 59_000), before.common);
    assert.equal(counts.count('papers_fts', rare, t0 + 59_000), count(rare));
    // After it: counted again. Each table has its own counts.
    assert.equal(counts.count('papers_fts', common, t0 + 61_000), count(common));
    assert.equal(counts.count('papers_fts_recent', common, t0 + 61_000), db.prepare('select count(*) from papers_fts_recent where papers_fts_recent match ?').pluck().get(common));
  } finally {
    await ctx.cleanup();
  }
});
