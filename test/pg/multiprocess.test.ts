// paperboy scaled out on PostgreSQL, as real processes: two `serve --no-worker` web processes and
// three `worker` processes share one database. A digest run for 5,000 subscribers survives one
// worker being SIGKILLed mid-run with every subscriber getting exactly one digest (counted by a real
// SMTP server); 1,000 concurrent upvotes spread over both web processes give exact counts, seen
// alike by both; an arXiv harvest replayed twice at once stores every paper once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, pgSkipReason } from '../helpers.js';
import { contextOn } from './pg-helpers.js';
import { startCountingSink } from './sink.js';
import { nockRecording, recorded, startReplay, type Reply } from '../ingest/replay.js';
import { featurePaper, upsertPapers, type PaperInput } from '../../src/store/papers.js';
import { defaultPreferences, insertSubscribers } from '../../src/store/subscribers.js';
import { enqueueJob } from '../../src/store/jobs.js';
import { hashToken, randomToken, Signer } from '../../src/signing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECRET = 'multiprocess-secret';
const SUBSCRIBERS = 5000;
const VOTERS = 1000;

interface Proc {
  child: ChildProcess;
  out: string;
  exited: Promise<number | null>;
}

function paperboy(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = { child, out: '', exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout!.on('data', (d) => (proc.out += d));
  child.stderr!.on('data', (d) => (proc.out += d));
  return proc;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const paper = (i: number): PaperInput => ({
  id: `2611.${String(20000 + i)}`,
  version: 1,
  title: `A multi-process paper number ${i}`,
  abstract: `Abstract ${i} about scaling out.`,
  authors: ['Grace Hopper'],
  categories: ['cs.DC'],
  publishedAt: new Date(Date.now() - 86_400_000).toISOString(),
  updatedAt: new Date(Date.now() - 86_400_000).toISOString(),
  source: 'arxiv',
});

test('two web and three worker processes on one PostgreSQL database', { skip: pgSkipReason, timeout: 900_000 }, async (t) => {
  const started = Date.now();
  const note = (what: string) => t.diagnostic(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'paperboy-mp-'));
  const sink = await startCountingSink();
  const oai = {
    page1: recorded('arxiv-oai/litpuvn/ListRecords.xml'), // 387 records, token 1403493|1001
    page2: recorded('arxiv-oai/mikesaelim/ListRecordsResponse.xml'), // 6 records, token 726959|1001
    last: nockRecording('oaipmh-listrecords---should-list-identifiers-from-arxiv.json')[1]!.body, // 2 records, no token
  };
  // Everything outbound goes to this local server: arXiv (OAI-PMH, Atom) and GitHub.
  const replay = await startReplay((q): Reply => {
    const token = q.get('resumptionToken');
    if (q.get('verb') !== 'ListRecords') return { status: 404, body: '' };
    if (!token) return { body: oai.page1 };
    if (token === '1403493|1001') return { body: oai.page2 };
    return { body: oai.last };
  });
  const ctx = await contextOn(database.url, { poolSize: 4 });
  const procs: Proc[] = [];
  const harvestsDone: Proc[] = [];
  try {
    // --- the data: papers on today's list, 5,000 weekly subscribers due today, 1,000 members
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const papers = Array.from({ length: 8 }, (_, i) => paper(i));
    await upsertPapers(ctx.store.db, papers, now.toISOString());
    for (const p of papers) await featurePaper(ctx.store.db, { paperId: p.id, day: today, submittedBy: null, submittedAt: now.toISOString() });
    const emails = Array.from({ length: SUBSCRIBERS }, (_, i) => `reader${i}@example.org`);
    await insertSubscribers(
      ctx.store.db,
      emails.map((email) => ({ ...defaultPreferences, frequency: 'weekly' as const, weekday: now.getUTCDay(), hour: 0, timezone: 'UTC', email, status: 'active' as const })),
      now.toISOString(),
    );
    const members = await ctx.store.db
      .insertInto('users')
      .values(Array.from({ length: VOTERS }, (_, i) => ({ email: `member${i}@example.org`, username: `member${i}`, display_name: `Member ${i}`, role: 'member', created_at: now.toISOString() })))
      .returning('id')
      .execute();
    const sessions = members.map((m) => ({ userId: Number(m.id), token: randomToken(24), nonce: randomToken(18) }));
    await ctx.store.db
      .insertInto('sessions')
      .values(
        sessions.map((s) => ({
          id: hashToken(s.token),
          user_id: s.userId,
          created_at: now.toISOString(),
          last_seen_at: now.toISOString(),
          expires_at: new Date(now.getTime() + 86_400_000).toISOString(),
          user_agent: null,
          ip: null,
        })),
      )
      .execute();

    // --- the processes
    const env: Record<string, string> = {
      DATABASE_URL: database.url,
      PAPERBOY_SECRET: SECRET,
      PAPERBOY_DATA_DIR: dataDir,
      PAPERBOY_DEMO: 'false',
      PAPERBOY_EMBEDDER: 'none',
      PAPERBOY_SMTP_URL: sink.url,
      PAPERBOY_MAIL_RATE: '100000',
      PAPERBOY_JOB_LEASE_SECONDS: '3',
      PAPERBOY_DB_POOL_SIZE: '6',
      PAPERBOY_ARXIV_OAI_URL: replay.url,
      PAPERBOY_ARXIV_API_URL: replay.url,
      PAPERBOY_GITHUB_API_URL: replay.url,
      PAPERBOY_ARXIV_DELAY_MS: '0',
      PAPERBOY_TRUST_PROXY: 'true', // the voters arrive through a proxy, each from their own address
      PAPERBOY_RATE_LIMIT_PER_MIN: '1000000',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    const before = await ctx.store.db.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const webs = [0, 1].map(() => paperboy(['serve', '--no-worker'], env));
    const workers = [0, 1, 2].map(() => paperboy(['worker'], env));
    // The same arXiv harvest twice at once, beside everything else.
    const harvests = [0, 1].map(() => paperboy(['ingest', 'arxiv', '--set', 'cs', '--from', '2016-10-20'], { ...env, LOG_LEVEL: 'warn' }));
    procs.push(...webs, ...workers);
    harvestsDone.push(...harvests);
    const urls = await Promise.all(
      webs.map((w) => until('a web process to listen', () => /serving at (http:\/\/\S+?)\/? /.exec(w.out)?.[1] ?? (w.child.exitCode !== null && Promise.reject(new Error(w.out))), 300_000)),
    );
    assert.notEqual(urls[0], urls[1]);
    note(`web processes listening at ${urls.join(', ')}`);

    // --- digests: the workers' schedule starts the run; one worker is killed while mails go out
    await until('the digest run to start sending', () => sink.received.length >= 600, 300_000, 50);
    const holders = await until(
      'a worker holding outbox leases',
      async () => {
        const rows = await ctx.store.db.selectFrom('outbox').select('locked_by').distinct().where('status', '=', 'sending').execute();
        const pids = rows.map((r) => Number(String(r.locked_by).split(':')[1])).filter((pid) => workers.some((w) => w.child.pid === pid));
        return pids.length ? pids : undefined;
      },
      30_000,
      20,
    );
    const victim = workers.find((w) => w.child.pid === holders[0])!;
    victim.child.kill('SIGKILL');
    const sentAtKill = sink.received.length;
    note(`killed worker ${victim.child.pid} after ${sentAtKill} digests`);
    await victim.exited;
    // The schedule would send the rest within its period; ask for it now to keep the test short.
    await enqueueJob(ctx.store.db, 'mail.outbox', {}, new Date().toISOString());
    await until(
      'every digest to be delivered',
      async () => {
        const open = await ctx.store.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['pending', 'sending']).executeTakeFirstOrThrow();
        return sink.received.length >= SUBSCRIBERS && Number(open.n) === 0;
      },
      150_000,
      200,
    );
    note(`all digests delivered (${sink.resets} connections reset by the kill)`);
    await new Promise((r) => setTimeout(r, 4000)); // longer than a lease: any late duplicate would show now
    // A row is marked sent after the server's 250, so a worker killed between a 250 and its commit
    // leaves that row to be sent again by another worker: the same message, with the same Message-ID
    // (at most one per SMTP connection of the killed worker). Two different digests would be a bug.
    const perAddress = new Map<string, Set<string>>();
    sink.received.forEach((to, i) => perAddress.set(to, (perAddress.get(to) ?? new Set()).add(sink.messageIds[i]!)));
    const missing = emails.filter((e) => !perAddress.has(e));
    const twoDigests = [...perAddress].filter(([, ids]) => ids.size > 1 || ids.has('missing'));
    const resent = sink.received.length - perAddress.size;
    note(`copies resent with the same Message-ID: ${resent}`);
    assert.ok(sentAtKill < SUBSCRIBERS, 'the worker was killed before the run had finished');
    assert.deepEqual(missing, [], 'every subscriber got a digest');
    assert.deepEqual(twoDigests, [], 'nobody got two different digests');
    assert.ok(resent <= 4, `at most one resent copy per SMTP connection of the killed worker (${resent})`);
    assert.equal(perAddress.size, SUBSCRIBERS);

    // --- upvotes: 1,000 members vote for one paper at once, half through each web process
    const signer = new Signer([SECRET]);
    const target = papers[0]!.id;
    let next = 0;
    const statuses: number[] = [];
    const voter = async () => {
      while (next < sessions.length) {
        const i = next++;
        const s = sessions[i]!;
        const res = await fetch(`${urls[i % 2]}/papers/${target}/upvote`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
            cookie: `pb_session=${s.token}; pb_nonce=${s.nonce}`,
            'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          },
          body: new URLSearchParams({ want: '1', _csrf: signer.sign('csrf', s.nonce) }).toString(),
        });
        statuses.push(res.status);
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 64 }, voter));
    assert.deepEqual([...new Set(statuses)], [200], 'every vote was accepted');
    const stored = await ctx.store.db.selectFrom('papers').select('upvotes').where('id', '=', target).executeTakeFirstOrThrow();
    const rows = await ctx.store.db.selectFrom('upvotes').select((eb) => eb.fn.countAll<number>().as('n')).where('paper_id', '=', target).executeTakeFirstOrThrow();
    assert.equal(Number(rows.n), VOTERS);
    assert.equal(stored.upvotes, VOTERS, 'the denormalised count is exact');
    for (const url of urls) {
      const res = await fetch(`${url}/api/papers/${target}`);
      const body = (await res.json()) as { upvotes?: number };
      assert.equal(body.upvotes, VOTERS, `${url} shows the count the other process wrote`);
    }

    note('upvotes counted');
    // --- the arXiv harvest that ran twice at once, meanwhile
    const codes = await Promise.all(harvests.map((h) => h.exited));
    // Both should succeed; while upsertPapers has the race described in concurrent-ingest.test.ts,
    // the one that loses it may stop with a unique violation (never a duplicate). At least one run
    // must have stored everything.
    assert.ok(codes.includes(0), harvests.map((h) => h.out).join('\n'));
    for (const h of harvests.filter((x) => x.child.exitCode !== 0)) {
      assert.match(h.out, /duplicate key value violates unique constraint/, h.out);
      note('one harvest lost the insert race (known upsertPapers bug, see concurrent-ingest.test.ts)');
    }
    const after = await ctx.store.db.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n) - Number(before.n), 387 + 6 + 2, 'each harvested paper stored once');
    const authorDupes = await ctx.store.db
      .selectFrom('paper_authors')
      .select(['paper_id', 'position'])
      .groupBy(['paper_id', 'position'])
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    assert.deepEqual(authorDupes, []);

    note('harvests done');
    // --- graceful stop: every process exits cleanly on SIGTERM and no job is left leased
    const alive = procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    for (const p of alive) p.child.kill('SIGTERM');
    const exitCodes = await Promise.all(alive.map((p) => p.exited));
    assert.deepEqual(exitCodes, alive.map(() => 0), alive.map((p) => p.out.slice(-2000)).join('\n---\n'));
    const leased = await ctx.store.db.selectFrom('jobs').select(['kind', 'locked_by']).where('status', '=', 'running').execute();
    const survivorsIds = workers.filter((w) => w !== victim).map((w) => `:${w.child.pid}:`);
    assert.deepEqual(leased.filter((j) => survivorsIds.some((id) => String(j.locked_by).includes(id))), [], 'stopped workers hand their jobs back');
  } finally {
    for (const p of [...procs, ...harvestsDone]) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all([...procs, ...harvestsDone].map((p) => p.exited));
    await ctx.store.close();
    await sink.close();
    await replay.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
