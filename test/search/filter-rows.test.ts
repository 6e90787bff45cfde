// The SQLite filter tables (migration 0304) that filtered keyword search tests its matches against:
// kept in step with papers and their categories, and made for the papers of a store from before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { makeTestContext } from '../helpers.js';
import { setPaperHidden, upsertPapers } from '../../src/store/papers.js';
import { migrate } from '../../src/store/db.js';
import { searchPapers } from '../../src/search/search.js';
import { corpus } from './corpus.js';

test('filter rows follow papers, hiding, categories and removal; filtered search uses them; an older store gets them', async () => {
  // SQLite whichever engine the suite runs on: these tables are the SQLite index's.
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-filters-'));
  const ctx = await makeTestContext({ DATABASE_URL: path.join(dir, 'test.db') });
  try {
    const db = ctx.store.sqlite!;
    const now = ctx.clock.now().toISOString();
    await upsertPapers(ctx.store.db, corpus, now);
    const rows = () => db.prepare('select p.id, r.published_at, r.hidden, r.has_code from search_filter_rows r join papers p on p.rowid = r.paper_rowid order by p.id').all();
    const categories = () => db.prepare('select p.id, c.category from search_category_rows c join papers p on p.rowid = c.paper_rowid order by p.id, c.category').all();
    const expected = () => ({
      rows: db.prepare(`select id, published_at, hidden, (github_repo is not null or links like '%"code":["%') has_code from papers order by id`).all(),
      categories: db.prepare('select paper_id id, category from paper_categories order by paper_id, category').all(),
    });
    assert.deepEqual({ rows: rows(), categories: categories() }, expected());
    assert.equal(rows().length, corpus.length);
    const ids = async (q: string) => (await searchPapers(ctx, q, { limit: 10, mode: 'keyword' })).hits.map((h) => h.paper.id).sort();
    assert.deepEqual(await ids('neural cat:cs.CV'), ['2401.00002']);

    // A new version moves the paper to another category and year; hiding and removal follow.
    await upsertPapers(ctx.store.db, [{ ...corpus[1], version: 2, categories: ['cs.LG'], publishedAt: '2023-05-01T00:00:00Z', updatedAt: '2024-03-01T00:00:00Z' }], now);
    await setPaperHidden(ctx.store.db, '2401.00004', true, now);
    await ctx.store.db.deleteFrom('papers').where('id', '=', '2401.00003').execute();
    assert.deepEqual({ rows: rows(), categories: categories() }, expected());
    assert.equal(rows().length, corpus.length - 1);
    assert.deepEqual(await ids('neural cat:cs.CV'), []);
    assert.deepEqual(await ids('neural year:2023'), ['2401.00002']);
    assert.deepEqual(await ids('neural has:code'), [], 'the only neural paper with code is hidden');

    // A store from before migration 0304.
    db.exec(`drop trigger search_filter_rows_ai; drop trigger search_filter_rows_au; drop trigger search_filter_rows_ad;
      drop trigger search_category_rows_ai; drop trigger search_category_rows_ad; drop table search_filter_rows; drop table search_category_rows`);
    await sql`delete from kysely_migration where name = '0304_search_filter_rows'`.execute(ctx.store.db);
    assert.deepEqual(await migrate(ctx.store), ['0304_search_filter_rows']);
    assert.deepEqual({ rows: rows(), categories: categories() }, expected());
    assert.deepEqual(await ids('neural year:2023'), ['2401.00002']);
  } finally {
    await ctx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
