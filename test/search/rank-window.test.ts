// The SQLite rank window: a query with more matches than the window ranks only its newest matches;
// one with fewer is ranked exactly; with filters, the newest matches that pass them are ranked;
// counts are not limited by the window. A window of 3 stands in for the real 10,000.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestContext } from '../helpers.js';
import { upsertPapers, type PaperInput } from '../../src/store/papers.js';
import { SqliteSearchIndex } from '../../src/search/sqlite/index.js';
import { parseQuery } from '../../src/search/query.js';

const paper = (n: number, title: string, categories = ['cs.LG']): PaperInput => ({
  id: `2401.0000${n}`,
  version: 1,
  title,
  abstract: `Paper number ${n} about learning${n === 1 ? ' zebras' : ''}.`,
  authors: ['Ada Lovelace'],
  categories,
  publishedAt: `2024-01-0${n}T00:00:00Z`,
  updatedAt: `2024-01-0${n}T00:00:00Z`,
  links: {},
  source: 'demo',
});

// Inserted in this order, so rowids rise with n. Paper 1 is the best BM25 match for "learning"
// (the shortest title) but the oldest.
const papers = [
  paper(1, 'Learning', ['cs.CV']),
  paper(2, 'Learning to rank'),
  paper(3, 'Learning with graphs'),
  paper(4, 'Learning in the wild'),
  paper(5, 'Learning, a survey'),
];

test('the rank window: newest matches only when a query matches more than the window, exact otherwise', async () => {
  const ctx = await makeTestContext();
  try {
    if (!ctx.store.sqlite) return; // SQLite engine only (the PostgreSQL run tests its own index)
    for (const p of papers) await upsertPapers(ctx.store.db, [p], ctx.clock.now().toISOString());
    const index = new SqliteSearchIndex(ctx.store.sqlite, 3);
    const kw = (q: string, filters = { categories: [] as string[] }) =>
      index.keyword(parseQuery(q).text, filters, { limit: 3, offset: 0, sort: 'relevance', countCap: 100 });

    // "learning" matches all five: only the newest three (5, 4, 3) are ranked, so paper 1, the best
    // match, is missed; the count is not windowed.
    const broad = await kw('learning ');
    assert.deepEqual(broad.hits.map((h) => h.paperId).sort(), ['2401.00003', '2401.00004', '2401.00005']);
    assert.equal(broad.total, 5);

    // "zebra" matches one paper: ranked exactly, old or not.
    assert.deepEqual((await kw('zebra ')).hits.map((h) => h.paperId), ['2401.00001']);

    // A filter that none of the three newest matches pass: the newest match that does is found.
    const filtered = await kw('learning ', { categories: ['cs.CV'] });
    assert.deepEqual(filtered.hits.map((h) => h.paperId), ['2401.00001']);
    assert.equal(filtered.total, 1);

    // A filter that many pass: the newest three that pass (5, 4, 3) are ranked, and all four counted.
    const many = await kw('learning ', { categories: ['cs.LG'] });
    assert.deepEqual(many.hits.map((h) => h.paperId).sort(), ['2401.00003', '2401.00004', '2401.00005']);
    assert.equal(many.total, 4);

    // The full index (window 10,000) ranks all five, paper 1 first.
    const full = await new SqliteSearchIndex(ctx.store.sqlite).keyword(parseQuery('learning ').text, { categories: [] }, { limit: 3, offset: 0, sort: 'relevance' });
    assert.equal(full.hits[0].paperId, '2401.00001');
  } finally {
    await ctx.cleanup();
  }
});
