// Migration 0305's lookups for SQLite vector search: each vector beside its paper's rowid (kept
// with the vectors, made for vectors stored before it), a category too small for the global
// candidates searched among its own vectors, and vector coverage counted from narrow tables.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { makeTestContext } from '../helpers.js';
import { setPaperHidden, upsertPapers, type PaperInput } from '../../src/store/papers.js';
import { migrate } from '../../src/store/db.js';
import { searchIndexOf } from '../../src/search/index.js';
import '../../src/search/engines.js';
import { HashEmbedder } from './corpus.js';

const topics = ['graph neural networks', 'machine translation', 'image recognition', 'protein folding', 'number theory primes'];
const papers: PaperInput[] = Array.from({ length: 60 }, (_, i) => ({
  id: `2403.${String(i).padStart(5, '0')}`,
  version: 1,
  title: `${topics[i % topics.length]} study ${i}`,
  abstract: `We study ${topics[i % topics.length]} and ${topics[(i * 7) % topics.length]} in setting ${i}.`,
  authors: ['Ada Lovelace'],
  // Six papers (every tenth) in math.NT: too few for a 50-neighbour search's global candidates.
  categories: i % 10 === 0 ? ['math.NT'] : ['cs.LG'],
  publishedAt: `2024-0${1 + (i % 9)}-01T00:00:00Z`,
  updatedAt: '2024-01-01T00:00:00Z',
  links: {},
  source: 'demo',
}));

test('vectors beside their papers rowids; a small category searched among its own vectors; coverage', async () => {
  // SQLite whichever engine the suite runs on: these tables are the SQLite index's.
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-vector-rows-'));
  const ctx = await makeTestContext({ DATABASE_URL: path.join(dir, 'test.db') });
  try {
    const now = ctx.clock.now().toISOString();
    await upsertPapers(ctx.store.db, papers, now);
    const index = searchIndexOf(ctx);
    const embedder = new HashEmbedder();
    const vectors = await embedder.embed(papers.map((p) => `${p.title}. ${p.abstract}`));
    const model = { name: embedder.name, dims: vectors[0].length };
    await index.upsertVectors(papers.map((p, i) => ({ paperId: p.id, vector: vectors[i] })), model, now);
    const sqlite = ctx.store.sqlite!;
    const mapping = () =>
      sqlite.prepare('select p.id, m.vector_id from search_vector_rows m join papers p on p.rowid = m.paper_rowid order by p.id').raw().all() as Array<[string, number]>;
    const expected = () => sqlite.prepare('select paper_id, id from search_vectors order by paper_id').raw().all();
    assert.equal(mapping().length, papers.length);
    assert.deepEqual(mapping(), expected());

    // A category of six papers, one of them hidden, one published outside the dates asked: the
    // search finds exactly the rest, best first (the order of near ties may differ from the float
    // vectors': the candidates are rescored from their int8 copies).
    await setPaperHidden(ctx.store.db, papers[10].id, true, now);
    const [query] = await embedder.embed(['number theory primes']);
    const inCategory = papers.filter((p, i) => i % 10 === 0 && i !== 10 && p.publishedAt >= '2024-02-01').map((p) => p.id);
    assert.equal(inCategory.length, 4);
    const searchCategory = async () => {
      const got = await index.vector(query, model, { categories: ['math.NT'], after: '2024-02-01' }, 50);
      assert.deepEqual(got.map((h) => h.paperId).sort(), inCategory);
      assert.deepEqual(got.map((h) => h.score), got.map((h) => h.score).sort((a, b) => b - a));
    };
    await searchCategory();
    // A date filter alone is checked on the candidates before they are rescored: only papers
    // that pass it, best first, and as many as asked.
    const recent = await index.vector(query, model, { categories: [], after: '2024-06-01' }, 10);
    const passing = new Set(papers.filter((p, i) => i !== 10 && p.publishedAt >= '2024-06-01').map((p) => p.id));
    assert.equal(recent.length, 10);
    assert.ok(recent.every((h) => passing.has(h.paperId)));
    assert.deepEqual(recent.map((h) => h.score), recent.map((h) => h.score).sort((a, b) => b - a));

    // Coverage: hidden papers are not counted, nor vectors of another model.
    assert.deepEqual(await index.vectorCoverage(model), { embedded: papers.length, total: papers.length - 1 });
    await index.upsertVectors([{ paperId: papers[1].id, vector: vectors[1] }], { name: 'another-model', dims: model.dims }, now);
    assert.deepEqual(await index.vectorCoverage(model), { embedded: papers.length - 1, total: papers.length - 1 });
    assert.deepEqual(await index.vectorCoverage({ name: 'another-model', dims: model.dims }), { embedded: 1, total: papers.length - 1 });

    // A new vector for a paper replaces its row; a removed paper takes its row with it.
    await index.upsertVectors([{ paperId: papers[2].id, vector: vectors[2] }], model, now);
    await ctx.store.db.deleteFrom('papers').where('id', '=', papers[3].id).execute();
    assert.equal(mapping().length, papers.length - 1);
    assert.deepEqual(mapping(), expected());

    // The store as it was before migration 0305: vectors without rows.
    sqlite.exec('drop trigger search_vector_rows_ai; drop trigger search_vector_rows_ad; drop table search_vector_rows; drop index search_filter_rows_hidden');
    await sql`delete from kysely_migration where name = '0305_search_vector_rows'`.execute(ctx.store.db);
    assert.deepEqual(await migrate(ctx.store), ['0305_search_vector_rows']);
    assert.deepEqual(mapping(), expected());
    await searchCategory();
  } finally {
    await ctx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
