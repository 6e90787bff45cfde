// The job queue on PostgreSQL with several workers (each with its own connection pool, as separate
// processes would have): no job runs twice, a killed worker's job is retried after its lease
// expires, a stopping worker gives its jobs back at once, and ten processes migrating at once
// apply each migration exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, pgSkipReason } from '../helpers.js';
import { contextOn } from './pg-helpers.js';
import { enqueueJob } from '../../src/store/jobs.js';
import { Worker, type TaskDefinition } from '../../src/worker/worker.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const skip = pgSkipReason;
const T0 = '2026-11-20T12:00:00.000Z';

function runChild(script: string, args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures', script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test' },
  });
}

function output(child: ReturnType<typeof runChild>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('four workers drain 400 jobs between them and run each exactly once', { skip }, async () => {
  const database = await createTestDatabase();
  const contexts = [];
  try {
    const first = await contextOn(database.url);
    contexts.push(first);
    for (let i = 1; i < 4; i++) contexts.push(await contextOn(database.url, { migrate: false }));
    for (let i = 0; i < 400; i++) await enqueueJob(first.store.db, 'test.count', { n: i }, T0);

    const runs = new Map<number, string[]>();
    const workers = contexts.map((ctx, w) => {
      const task: TaskDefinition = {
        kind: 'test.count',
        run: async (_ctx, payload: { n: number }) => {
          runs.set(payload.n, [...(runs.get(payload.n) ?? []), `w${w}`]);
          await new Promise((r) => setImmediate(r)); // let the other workers' claims interleave
        },
      };
      return new Worker(ctx, { id: `w${w}`, tasks: [task] });
    });
    const done = await Promise.all(workers.map((w) => w.drain()));

    assert.equal(done.reduce((a, b) => a + b, 0), 400);
    assert.equal(runs.size, 400);
    const twice = [...runs].filter(([, by]) => by.length !== 1);
    assert.deepEqual(twice, [], 'no job ran more than once');
    assert.ok(done.filter((n) => n > 0).length >= 2, `work was shared: ${done.join(',')}`);
    const rows = await first.store.db.selectFrom('jobs').select(['status', 'attempts']).execute();
    assert.ok(rows.every((r) => r.status === 'done' && r.attempts === 1));
  } finally {
    for (const ctx of contexts) await ctx.store.close();
    await database.drop();
  }
});

test('a worker killed mid-job leaves a lease that expires, and another worker retries the job', { skip }, async () => {
  const database = await createTestDatabase();
  const ctx = await contextOn(database.url);
  try {
    await enqueueJob(ctx.store.db, 'test.hang', {}, T0);
    const child = runChild('hang-worker.ts', [database.url, T0]);
    const result = output(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => String(d).includes('started') && resolve());
      child.on('exit', () => reject(new Error('worker exited before starting the job')));
    });
    child.kill('SIGKILL');
    await result;

    const held = await ctx.store.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    assert.equal(held.status, 'running');
    assert.equal(held.locked_by, `hang-worker-${child.pid}`);

    let ran = 0;
    const survivor = new Worker(ctx, { id: 'survivor', leaseMs: 60_000, tasks: [{ kind: 'test.hang', run: async () => void ran++ }] });
    ctx.clock.set(T0);
    ctx.clock.advance(59_000);
    assert.equal(await survivor.drain(), 0, 'the lease still holds before it expires');
    ctx.clock.advance(2_000);
    assert.equal(await survivor.drain(), 1, 'retried once the lease expired');
    assert.equal(ran, 1);
    const after = await ctx.store.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    assert.equal(after.status, 'done');
    assert.equal(after.attempts, 2);
    assert.equal(after.locked_by, 'survivor');
  } finally {
    await ctx.store.close();
    await database.drop();
  }
});

test('a stopping worker finishes or hands back its job at once, without waiting for the lease', { skip }, async () => {
  const database = await createTestDatabase();
  const a = await contextOn(database.url);
  const b = await contextOn(database.url, { migrate: false, clock: a.clock });
  try {
    await enqueueJob(a.store.db, 'test.long', {}, T0);
    let started!: () => void;
    const isStarted = new Promise<void>((r) => (started = r));
    const stopping = new Worker(a, {
      id: 'stopping',
      pollMs: 5,
      tasks: [
        {
          kind: 'test.long',
          run: async (_ctx, _p, job) => {
            started();
            // A long task that stops at a safe point when asked to.
            await new Promise<void>((_, reject) => job.signal.addEventListener('abort', () => reject(new Error('stopped'))));
          },
        },
      ],
    });
    stopping.start();
    await isStarted;
    await stopping.stop();

    const row = await a.store.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.status, 'pending');
    assert.equal(row.attempts, 0, 'an interrupted run does not count as a failed attempt');
    let ran = 0;
    const next = new Worker(b, { id: 'next', tasks: [{ kind: 'test.long', run: async () => void ran++ }] });
    assert.equal(await next.drain(), 1);
    assert.equal(ran, 1);
  } finally {
    await a.store.close();
    await b.store.close();
    await database.drop();
  }
});

test('ten processes starting at once migrate the database exactly once', { skip }, async () => {
  const database = await createTestDatabase();
  try {
    const children = Array.from({ length: 10 }, () => output(runChild('migrate.ts', [database.url])));
    const results = await Promise.all(children);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const applied = results.map((r) => JSON.parse(r.stdout.trim()) as string[]);
    const appliers = applied.filter((list) => list.length > 0);
    assert.equal(appliers.length, 1, 'one process applied the migrations, the others found them done');

    const ctx = await contextOn(database.url, { migrate: false });
    try {
      const rows = await ctx.store.db.selectFrom('kysely_migration' as any).select('name').execute();
      const names = rows.map((r: any) => r.name as string);
      assert.equal(new Set(names).size, names.length);
      assert.deepEqual(names.sort(), [...appliers[0]!].sort());
      await ctx.store.db.selectFrom('papers').select('id').limit(1).execute(); // the schema is there
    } finally {
      await ctx.store.close();
    }
  } finally {
    await database.drop();
  }
});
