// `paperboy migrate-data`: an embedded instance copied into PostgreSQL keeps every row, an
// interrupted copy resumes without duplicates, new rows after the copy get fresh ids, and the
// command line prints verifiable counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, makeTestContext, pgSkipReason, type TestContext } from '../helpers.js';
import { contextOn } from './pg-helpers.js';
import { upsertPapers, type PaperInput } from '../../src/store/papers.js';
import { ensureUser } from '../../src/store/users.js';
import { enqueueJob } from '../../src/store/jobs.js';
import { copySqliteToPostgres } from '../../src/store/copy.js';
import { searchIndexOf } from '../../src/search/index.js';
import '../../src/search/engines.js';

const skip = pgSkipReason;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NOW = '2026-11-20T12:00:00.000Z';
const MODEL = { name: 'test-8', dims: 8 };

function paper(i: number): PaperInput {
  return {
    id: `2411.${String(10000 + i)}`,
    version: 1 + (i % 3),
    title: `Paper ${i}: attention in ${i % 2 ? 'graphs' : 'tensors'}`,
    abstract: `Abstract number ${i} — with “unicode” and 'quotes'.`,
    authors: [`Author ${i}`, 'Léon Bottou'],
    categories: i % 2 ? ['cs.LG', 'stat.ML'] : ['cs.CL'],
    publishedAt: '2024-11-01T00:00:00Z',
    updatedAt: '2024-11-02T00:00:00Z',
    source: 'arxiv',
  };
}

/** An embedded instance with papers, people, votes and jobs. */
async function populatedSqlite(papers: number): Promise<TestContext> {
  const ctx = await makeTestContext({ DATABASE_URL: '' }); // always SQLite, whatever the suite runs on
  await upsertPapers(ctx.store.db, Array.from({ length: papers }, (_, i) => paper(i)), NOW);
  const users = [];
  for (let i = 0; i < 5; i++) users.push(await ensureUser(ctx.store.db, `user${i}@example.org`, 'member', NOW));
  for (const u of users)
    for (let i = 0; i < 20; i++) await ctx.store.db.insertInto('upvotes').values({ user_id: u.id, paper_id: paper(i).id, created_at: NOW }).execute();
  await enqueueJob(ctx.store.db, 'trending.recompute', {}, NOW);
  // Embeddings are expensive to recompute: they travel as vectors.
  const vectors = Array.from({ length: Math.min(papers, 40) }, (_, i) => ({ paperId: paper(i).id, vector: Float32Array.from({ length: 8 }, (_, d) => (d === i % 8 ? 0.6 : 0.2)) }));
  await searchIndexOf(ctx).upsertVectors(vectors, MODEL, NOW);
  return ctx;
}

async function snapshot(db: any, table: string, orderBy: string[]) {
  let q = db.selectFrom(table).selectAll();
  for (const c of orderBy) q = q.orderBy(c);
  return q.execute();
}

test('an interrupted copy resumes where it stopped and ends with every row exactly once', { skip }, async () => {
  const src = await populatedSqlite(1200);
  const database = await createTestDatabase();
  const dst = await contextOn(database.url);
  try {
    let batches = 0;
    const firstRun = new Map<string, number>();
    await assert.rejects(
      copySqliteToPostgres(src.store, dst.store, {
        batchSize: 250,
        onProgress: ({ table, done }) => {
          firstRun.set(table, done);
          if (table === 'papers' && ++batches === 3) throw new Error('interrupted');
        },
      }),
      /interrupted/,
    );
    const partial = await dst.store.db.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(partial.n), 500, 'two batches were committed before the interruption');

    const report = await copySqliteToPostgres(src.store, dst.store, { batchSize: 250 });
    assert.deepEqual(report.missing, []);
    const sourceRows = report.tables.reduce((n, t) => n + t.source, 0);
    const before = [...firstRun.values()].reduce((a, b) => a + b, 0);
    assert.equal(firstRun.get('papers'), 500);
    assert.equal(report.copied, sourceRows - before, 'the second run copied only what the first had not');
    for (const t of report.tables) {
      // PostgreSQL's own migrations add settings of its search index to meta; every other table matches.
      if (t.table === 'meta') assert.ok(t.target >= t.source);
      else assert.equal(t.target, t.source, `${t.table}: ${t.source} in SQLite, ${t.target} in PostgreSQL`);
    }
    const papers = report.tables.find((t) => t.table === 'papers')!;
    assert.equal(papers.source, 1200);

    // Same content, not just the same counts.
    for (const [table, order] of [
      ['papers', ['id']],
      ['paper_authors', ['paper_id', 'position']],
      ['upvotes', ['user_id', 'paper_id']],
      ['users', ['id']],
    ] as const) {
      assert.deepEqual(await snapshot(dst.store.db, table, [...order]), await snapshot(src.store.db, table, [...order]), table);
    }

    // Vectors arrive as pgvector values, with their HNSW index built by the copy.
    const copied = await searchIndexOf(dst).vectorOf(paper(3).id, MODEL);
    assert.deepEqual(Array.from(copied ?? []), Array.from((await searchIndexOf(src).vectorOf(paper(3).id, MODEL))!));
    const hnsw = await dst.store.pool!.query(`select 1 from pg_indexes where indexname = 'search_vectors_hnsw_8'`);
    assert.equal(hnsw.rowCount, 1);
    assert.equal((await searchIndexOf(dst).vector(copied!, MODEL, { categories: [] }, 1))[0]?.paperId, paper(3).id);

    // A run after completion copies nothing more.
    const again = await copySqliteToPostgres(src.store, dst.store);
    assert.equal(again.copied, 0);
    // New rows on PostgreSQL get ids after the copied ones.
    const fresh = await ensureUser(dst.store.db, 'new@example.org', 'member', NOW);
    assert.equal(fresh.id, 6);
  } finally {
    await dst.store.close();
    await database.drop();
    await src.cleanup();
  }
});

test('paperboy migrate-data prints the counts of both sides and rejects a missing source', { skip }, async () => {
  const src = await populatedSqlite(30);
  const database = await createTestDatabase();
  try {
    await src.store.close(); // the command opens the file itself
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'main.ts'), 'migrate-data', ...args], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, LOG_LEVEL: 'silent', PAPERBOY_SECRET: 'x' },
      });
    const ok = run('--from', `sqlite:${src.config.sqlitePath}`, '--to', database.url);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^papers\s+30\s+30$/m);
    assert.match(ok.stdout, /^upvotes\s+100\s+100$/m);
    const verify = run('--from', `sqlite:${src.config.sqlitePath}`, '--to', database.url, '--verify');
    assert.equal(verify.status, 0, verify.stderr);
    assert.match(verify.stdout, /^users\s+5\s+5$/m);

    const missing = run('--from', 'sqlite:/nonexistent/paperboy.db', '--to', database.url);
    assert.equal(missing.status, 4);
    assert.match(missing.stderr, /no SQLite database at/);
  } finally {
    await database.drop();
    await src.cleanup().catch(() => {});
  }
});
