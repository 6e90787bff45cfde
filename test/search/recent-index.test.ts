// The SQLite index of the newest papers (src/search/sqlite/recent-fts.ts): kept in step with papers
// by its triggers, trimmed and completed by maintenance (after a bulk import too), used only while
// it holds exactly the papers above its cutoff, and giving the same rank window as the full index.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestContext } from '../helpers.js';
import { upsertPapers, type PaperInput } from '../../src/store/papers.js';
import { SqliteSearchIndex } from '../../src/search/sqlite/index.js';
import { maintainRecentIndex, recentIndexUsable } from '../../src/search/sqlite/recent-fts.js';
import { beginFtsBulk, endFtsBulk } from '../../src/search/sqlite/fts-bulk.js';
import { parseQuery } from '../../src/search/query.js';

const paper = (n: number, title: string): PaperInput => ({
  id: `2401.000${String(n).padStart(2, '0')}`,
  version: 1,
  title,
  abstract: `Paper number ${n}.`,
  authors: ['Ada Lovelace'],
  categories: ['cs.LG'],
  publishedAt: `2024-01-${String(n).padStart(2, '0')}T00:00:00Z`,
  updatedAt: `2024-01-${String(n).padStart(2, '0')}T00:00:00Z`,
  links: {},
  source: 'demo',
});

test('the recent index follows papers, is trimmed and completed by maintenance, and serves full windows only', async () => {
  // SQLite whichever engine the suite runs on: this is the SQLite index's own structure.
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-recent-'));
  const ctx = await makeTestContext({ DATABASE_URL: path.join(dir, 'test.db') });
  try {
    const db = ctx.store.sqlite!;
    const now = () => ctx.clock.now().toISOString();
    // Rowids rise with n; paper 1 is the only "zebras" paper and the best "learning" match.
    for (let n = 1; n <= 8; n++) await upsertPapers(ctx.store.db, [paper(n, n === 1 ? 'Learning zebras' : `Learning with method ${n}`)], now());
    const recentIds = () => db.prepare('select id from papers_fts_recent_docsize order by id').pluck().all();
    const rowidOf = (n: number) => db.prepare('select rowid from papers where id = ?').pluck().get(paper(n, '').id) as number;

    // A store smaller than the recent index holds everything in both: nothing to gain, not used.
    assert.equal(recentIds().length, 8);
    assert.equal(recentIndexUsable(db), false);

    // Trimmed to the newest 3 once it holds more than 1.5 x 3.
    assert.deepEqual(maintainRecentIndex(db, 3), { trimmed: 5, indexed: 0, removed: 0 });
    assert.deepEqual(recentIds(), [6, 7, 8].map(rowidOf));
    assert.equal(recentIndexUsable(db), true);

    // Inserts, updates and removals reach it through the triggers.
    await upsertPapers(ctx.store.db, [paper(9, 'Learning giraffes')], now());
    await upsertPapers(ctx.store.db, [{ ...paper(7, 'Learning okapis'), version: 2, updatedAt: '2024-02-01T00:00:00Z' }], now());
    db.prepare('delete from papers where id = ?').run(paper(8, '').id);
    const recentMatch = (word: string) => db.prepare('select rowid from papers_fts_recent where papers_fts_recent match ? order by rowid').pluck().all(word);
    assert.deepEqual(recentMatch('giraffes'), [rowidOf(9)]);
    assert.deepEqual(recentMatch('okapis'), [rowidOf(7)]);
    assert.deepEqual(recentMatch('method'), [rowidOf(6)]);
    assert.equal(recentIndexUsable(db), true);

    // A bulk import suspends its triggers: what it adds is missing, so the index is not used until
    // maintenance has indexed it.
    const bulk = beginFtsBulk(db, now())!;
    await upsertPapers(ctx.store.db, [paper(10, 'Learning tapirs')], now());
    endFtsBulk(db, bulk);
    assert.deepEqual(recentMatch('tapirs'), []);
    assert.equal(recentIndexUsable(db), false);
    assert.deepEqual(maintainRecentIndex(db, 3), { trimmed: 0, indexed: 1, removed: 0 });
    assert.deepEqual(recentMatch('tapirs'), [rowidOf(10)]);
    assert.equal(recentIndexUsable(db), true);

    // Windows of 2: "learning" fills one in the recent index, so the newest two matches (10, 9)
    // are ranked; "zebras" does not, and the full index finds paper 1.
    const index = new SqliteSearchIndex(db, 2);
    const kw = (q: string) => index.keyword(parseQuery(q).text, { categories: [] }, { limit: 2, offset: 0, sort: 'relevance', countCap: 100 });
    const broad = await kw('learning ');
    assert.deepEqual(broad.hits.map((h) => h.paperId).sort(), [paper(9, '').id, paper(10, '').id]);
    assert.deepEqual((await kw('zebras ')).hits.map((h) => h.paperId), [paper(1, '').id]);
    const filtered = await index.keyword(parseQuery('learning year:2024').text, parseQuery('learning year:2024').filters, { limit: 2, offset: 0, sort: 'relevance', countCap: 100 });
    assert.deepEqual(filtered.hits.map((h) => h.paperId).sort(), [paper(9, '').id, paper(10, '').id]);
  } finally {
    await ctx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
