// The int8 copies vector search rescores with: written beside every stored vector, removed with it,
// and made by migration 0302 for vectors stored before it existed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { makeTestContext } from '../helpers.js';
import { upsertPapers } from '../../src/store/papers.js';
import { migrate } from '../../src/store/db.js';
import { searchIndexOf } from '../../src/search/index.js';
import '../../src/search/engines.js';
import { corpus, HashEmbedder } from './corpus.js';

test('every stored vector has an int8 copy, ranked like the float vectors; a store from before 0302 gets them', async () => {
  // SQLite whichever engine the suite runs on: these tables are the SQLite index's.
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-int8-'));
  const ctx = await makeTestContext({ DATABASE_URL: path.join(dir, 'test.db') });
  try {
    await upsertPapers(ctx.store.db, corpus, ctx.clock.now().toISOString());
    const index = searchIndexOf(ctx);
    const embedder = new HashEmbedder();
    const texts = corpus.map((p) => `${p.title}. ${p.abstract}`);
    const vectors = await embedder.embed(texts);
    const model = { name: embedder.name, dims: vectors[0].length };
    await index.upsertVectors(corpus.map((p, i) => ({ paperId: p.id, vector: vectors[i] })), model, ctx.clock.now().toISOString());
    const sqlite = ctx.store.sqlite!;
    const copies = () => sqlite.prepare('select count(*) n from search_vector_int8').pluck().get();
    assert.equal(copies(), corpus.length);

    const [query] = await embedder.embed(['neural networks for images']);
    const exact = (await index.vectorExact(query, model, corpus.length)).map((h) => h.paperId);
    const viaInt8 = await index.vector(query, model, { categories: [] }, corpus.length);
    assert.deepEqual(viaInt8.map((h) => h.paperId), exact);

    // The store as it was before migration 0302: vectors without copies.
    sqlite.exec(`drop trigger search_vectors_int8_ad; drop table search_vector_int8`);
    await sql`delete from kysely_migration where name = '0302_search_vector_int8'`.execute(ctx.store.db);
    assert.deepEqual(await migrate(ctx.store), ['0302_search_vector_int8']);
    assert.equal(copies(), corpus.length);
    assert.deepEqual((await index.vector(query, model, { categories: [] }, corpus.length)).map((h) => h.paperId), exact);

    // A removed vector takes its copy with it.
    sqlite.prepare('delete from search_vectors where paper_id = ?').run(corpus[0].id);
    assert.equal(copies(), corpus.length - 1);
  } finally {
    await ctx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
