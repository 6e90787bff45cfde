// What only the PostgreSQL search index does (the engine-neutral behaviour is covered by
// test/search, which runs here too when PAPERBOY_TEST_DATABASE_URL is set): tsquery syntax typed by
// a user is only ever words, the full-text language is configurable, and the HNSW index answers
// vector queries with high recall against an exact scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestContext, pgSkipReason } from '../helpers.js';
import { upsertPapers, type PaperInput } from '../../src/store/papers.js';
import { searchIndexOf } from '../../src/search/index.js';
import { searchPapers } from '../../src/search/search.js';
import { parseQuery } from '../../src/search/query.js';
import { PostgresSearchIndex } from '../../src/search/pg/index.js';
import { normalize } from '../../src/search/embedder.js';
import { signsOf } from '../../src/store/migrations/0602_search_postgres_vector_bits.js';

const skip = pgSkipReason;
const NOW = '2026-11-20T12:00:00.000Z';
const paper = (id: string, title: string, abstract: string): PaperInput => ({
  id,
  version: 1,
  title,
  abstract,
  authors: ['Ada Lovelace'],
  categories: ['cs.LG'],
  publishedAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
  source: 'demo',
});

test('tsquery operators typed into the search box are searched as words, never as syntax', { skip }, async () => {
  const ctx = await makeTestContext();
  try {
    await upsertPapers(ctx.store.db, [paper('2401.00001', "Bar's networks & friends", 'A study of foo and bar.')], NOW);
    for (const q of ["foo' & !bar", 'foo:* | bar', '!!!', "'''", '<-> (', 'bar:A', 'foo\\', '(foo | bar) & !baz', '-"foo & bar"']) {
      const r = await searchPapers(ctx, q, { limit: 10, mode: 'keyword' });
      assert.ok(r.total >= 0, q);
    }
    // "!bar" is the words "bar", not a negation; "foo:*" is the word "foo", not a prefix operator.
    assert.equal((await searchPapers(ctx, "foo' & !bar", { limit: 10, mode: 'keyword' })).total, 1);
    assert.equal((await searchPapers(ctx, 'fo:*', { limit: 10, mode: 'keyword' })).total, 0);
  } finally {
    await ctx.cleanup();
  }
});

test('the full-text language is configurable: reindexing in "simple" stops English stemming', { skip }, async () => {
  const ctx = await makeTestContext({ PAPERBOY_SEARCH_LANGUAGE: 'simple' });
  try {
    await upsertPapers(ctx.store.db, [paper('2401.00002', 'Convolutional networks', 'Images.')], NOW);
    const english = searchIndexOf(ctx);
    assert.equal((await english.keyword(parseQuery('network ').text, { categories: [] }, { limit: 5, offset: 0, sort: 'relevance' })).total, 1, 'english stems networks -> network');
    await english.rebuild();
    assert.equal((await english.keyword(parseQuery('network ').text, { categories: [] }, { limit: 5, offset: 0, sort: 'relevance' })).total, 0, 'simple keeps words as written');
    assert.equal((await english.keyword(parseQuery('networks ').text, { categories: [] }, { limit: 5, offset: 0, sort: 'relevance' })).total, 1);
    // New papers are indexed in the new language too.
    await upsertPapers(ctx.store.db, [paper('2401.00003', 'Recurrent networks', 'Text.')], NOW);
    assert.equal((await english.keyword(parseQuery('networks ').text, { categories: [] }, { limit: 5, offset: 0, sort: 'relevance' })).total, 2);
  } finally {
    await ctx.cleanup();
  }
});

/**
 * Stores `n` vectors from `vec`, checks that `index` serves the walk named by `walk` (an ORDER BY
 * over search_vectors v), and returns recall@20 of index.vector against an exact scan.
 */
async function recallOf(dims: number, vec: () => Float32Array, walk: string, index: string): Promise<number> {
  const ctx = await makeTestContext();
  try {
    const n = 3000;
    const papers = Array.from({ length: n }, (_, i) => paper(`2402.${String(i).padStart(5, '0')}`, `Paper ${i}`, 'Vectors.'));
    for (let i = 0; i < n; i += 1000) await upsertPapers(ctx.store.db, papers.slice(i, i + 1000), NOW);
    const search = searchIndexOf(ctx) as PostgresSearchIndex;
    const model = { name: `test-${dims}`, dims };
    for (let i = 0; i < n; i += 500) await search.upsertVectors(papers.slice(i, i + 500).map((p) => ({ paperId: p.id, vector: vec() })), model, NOW);

    const plan = await ctx.store.pool!.query(`explain select paper_id from search_vectors v where v.dims = ${dims} order by ${walk} limit 100`, [`[${Array.from(vec()).join(',')}]`]);
    assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), new RegExp(index));

    let found = 0;
    const queries = 20;
    for (let q = 0; q < queries; q++) {
      const v = vec();
      const approx = new Set((await search.vector(v, model, { categories: [] }, 20)).map((h) => h.paperId));
      const exact = await search.vectorExact(v, model, 20);
      found += exact.filter((h) => approx.has(h.paperId)).length;
    }
    assert.deepEqual((await search.vectorOf(papers[0]!.id, model))?.length, dims);
    assert.deepEqual(await search.vectorCoverage(model), { embedded: n, total: n });
    return found / (queries * 20);
  } finally {
    await ctx.cleanup();
  }
}

let seed = 42;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;

test('a 512-dim model: the HNSW graph over the signs and exact re-ranking find at least 95% of the exact top 20', { skip }, async () => {
  // Vectors around 30 topics, as embeddings of papers fall into fields.
  const dims = 512;
  const topics = Array.from({ length: 30 }, () => Array.from({ length: dims }, rand));
  const vec = () => {
    const topic = topics[Math.floor(((rand() + 1) / 2) * topics.length)]!;
    return normalize(topic.map((x) => x + 1.5 * rand()));
  };
  const recall = await recallOf(dims, vec, `${signsOf('v.vec', dims)} <~> binary_quantize($1::vector(${dims}))::bit(${dims})`, `search_vectors_signs_${dims}`);
  assert.ok(recall >= 0.95, `recall@20 = ${recall}`);
});

test('a 32-dim model keeps the float HNSW graph (its signs say too little) and finds at least 95% of the exact top 20', { skip }, async () => {
  const dims = 32;
  const vec = () => normalize(Array.from({ length: dims }, rand));
  const recall = await recallOf(dims, vec, `v.vec::vector(${dims}) <=> $1::vector(${dims})`, `search_vectors_hnsw_${dims}`);
  assert.ok(recall >= 0.95, `recall@20 = ${recall}`);
});

test('512-dim vectors are kept in their table row, not moved out of line (a re-ranked candidate is one row read)', { skip }, async () => {
  const ctx = await makeTestContext();
  try {
    const papers = Array.from({ length: 20 }, (_, i) => paper(`2403.${String(i).padStart(5, '0')}`, `Paper ${i}`, 'Vectors.'));
    await upsertPapers(ctx.store.db, papers, NOW);
    const search = searchIndexOf(ctx) as PostgresSearchIndex;
    const model = { name: 'test-inline-512', dims: 512 };
    const vectors = papers.map(() => normalize(Array.from({ length: 512 }, rand)));
    await search.upsertVectors(papers.map((p, i) => ({ paperId: p.id, vector: vectors[i]! })), model, NOW);
    const [toast] = (await ctx.store.pool!.query<{ bytes: number }>(`select pg_relation_size(reltoastrelid)::int as bytes from pg_class where oid = 'search_vectors'::regclass`)).rows;
    assert.equal(toast?.bytes, 0, 'nothing in the TOAST table of search_vectors');
    const stored = await search.vectorOf(papers[3]!.id, model);
    assert.deepEqual(Array.from(stored!).map((x) => x.toFixed(5)), Array.from(vectors[3]!).map((x) => x.toFixed(5)));
  } finally {
    await ctx.cleanup();
  }
});
