// The crash test: a digest run for 2,000 subscribers in a child process (`paperboy digest run`),
// killed with SIGKILL at several random points, restarted each time, then run to the end. Every
// subscriber must have received exactly one digest for the period, counted at the SMTP server.
//
// Kill points are of two kinds: at a random moment after start (composition, claims, sending), and
// right after the SMTP server has stored the Nth message but before it answers 250, which is where
// a sender that marks rows sent only after the server's answer would send a duplicate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/db.js';
import { featurePaper, upsertPapers } from '../../src/store/papers.js';
import { defaultPreferences, insertSubscribers } from '../../src/store/subscribers.js';
import { outboxCounts } from '../../src/store/outbox.js';
import { startSink } from './smtp-sink.js';
import { paper } from './helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUBSCRIBERS = 2000;

test('SIGKILL at random points, restart: exactly one digest per subscriber', { timeout: 900_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-crash-'));
  const dbPath = path.join(dir, 'crash.db');
  const sink = await startSink();
  try {
    const store = await openStore({ kind: 'sqlite', location: dbPath });
    const now = new Date().toISOString();
    const day = now.slice(0, 10);
    await upsertPapers(store.db, [1, 2, 3, 4, 5].map((i) => paper(`2611.0900${i}`, { title: `Crash-proof paper ${i}` })), now);
    for (let i = 1; i <= 5; i++) await featurePaper(store.db, { paperId: `2611.0900${i}`, day, submittedBy: null, submittedAt: now });
    await insertSubscribers(store.db, Array.from({ length: SUBSCRIBERS }, (_, i) => ({ ...defaultPreferences, email: `reader${i}@example.org`, status: 'active' as const })), now);
    await store.close();

    const env = {
      ...process.env,
      DATABASE_URL: dbPath,
      PAPERBOY_DATA_DIR: dir,
      PAPERBOY_SECRET: 'crash-test-secret',
      PAPERBOY_SMTP_URL: sink.url,
      PAPERBOY_MAIL_RATE: '100000',
      PAPERBOY_JOB_LEASE_SECONDS: '1',
      PAPERBOY_BASE_URL: 'http://paperboy.test',
      PAPERBOY_DEMO: 'false',
      PAPERBOY_EMBEDDER: 'none',
      LOG_LEVEL: 'silent',
    };
    let child: ChildProcess | null = null;
    let killAfter = Infinity;
    let firstMail: (() => void) | null = null;
    sink.afterData = () => {
      firstMail?.();
      firstMail = null;
      if (child && sink.received.length >= killAfter) {
        child.kill('SIGKILL');
        killAfter = Infinity;
      }
    };
    type Kill = { mails?: number; msAfterStart?: number; msAfterFirstMail?: number };
    const run = (kill: Kill) =>
      new Promise<{ code: number | null; signal: string | null }>((resolve) => {
        killAfter = kill.mails ? sink.received.length + kill.mails : Infinity;
        const c = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'digest', 'run', '--period', 'daily', '--force'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
        child = c;
        let stderr = '';
        c.stderr!.on('data', (d) => (stderr += d));
        const started = Date.now();
        const timers: NodeJS.Timeout[] = [];
        if (kill.msAfterStart) timers.push(setTimeout(() => c.kill('SIGKILL'), kill.msAfterStart));
        if (kill.msAfterFirstMail) firstMail = () => timers.push(setTimeout(() => c.kill('SIGKILL'), kill.msAfterFirstMail));
        const progress = setInterval(() => process.stderr.write(`  ${Math.round((Date.now() - started) / 1000)} s, received ${sink.received.length}\n`), 5000);
        c.on('exit', (code, signal) => {
          timers.forEach(clearTimeout);
          clearInterval(progress);
          firstMail = null;
          child = null;
          if (code) process.stderr.write(stderr);
          resolve({ code, signal });
        });
      });
    const rand = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));
    // Two kills right after the server stored a message (before its 250), two at a random moment
    // of sending, one at a random moment from start (start-up, composition or claiming).
    const plan: Kill[] = [{ mails: rand(20, 400) }, { msAfterFirstMail: rand(50, 1500) }, { mails: rand(100, 500) }, { msAfterStart: rand(2000, 9000) }, { msAfterFirstMail: rand(50, 1500) }];
    const log: string[] = [];
    for (const kill of plan) {
      const before = sink.received.length;
      const r = await run(kill);
      log.push(`${JSON.stringify(kill)} -> ${r.signal ?? r.code}, received ${before} -> ${sink.received.length}`);
      process.stderr.write(`crash test: ${log[log.length - 1]}\n`);
      // A killed run holds leases on the rows it was sending; they are claimable once they expire.
      await new Promise((resolve) => setTimeout(resolve, 1200));
    }
    const final = await run({});
    log.push(`final -> ${final.signal ?? final.code}, received ${sink.received.length}`);
    assert.equal(final.code, 0, log.join('\n'));
    assert.ok(log.filter((l) => l.includes('SIGKILL')).length >= 3, `at least three runs were killed:\n${log.join('\n')}`);

    // A crash between the server's acceptance and our commit resends the same message: the copies
    // carry one Message-ID, so the receiver holds one digest. Two different digests would be a bug.
    const perRecipient = new Map<string, Set<string>>();
    for (const m of sink.received) {
      const id = /^Message-ID:\s*(.+)$/im.exec(m.raw.toString('latin1'))?.[1]?.trim() ?? 'missing';
      perRecipient.set(m.to, (perRecipient.get(m.to) ?? new Set()).add(id));
    }
    const doubled = [...perRecipient].filter(([, ids]) => ids.size > 1 || ids.has('missing'));
    assert.deepEqual(doubled, [], `no subscriber got two different digests\n${log.join('\n')}`);
    const resent = sink.received.length - perRecipient.size;
    log.push(`copies resent with the same Message-ID after a crash: ${resent}`);
    if (perRecipient.size !== SUBSCRIBERS) {
      const lost = Array.from({ length: SUBSCRIBERS }, (_, i) => `reader${i}@example.org`).filter((e) => !perRecipient.has(e));
      const diag = await openStore({ kind: 'sqlite', location: dbPath });
      const rows = await diag.db.selectFrom('outbox as o').innerJoin('subscribers as s', 's.id', 'o.subscriber_id').select(['s.email', 'o.status', 'o.attempts', 'o.sent_at', 'o.last_error', 'o.locked_by']).where('s.email', 'in', lost).execute();
      await diag.close();
      log.push(`lost: ${JSON.stringify(rows)}`);
    }
    assert.equal(perRecipient.size, SUBSCRIBERS, `every subscriber got one\n${log.join('\n')}`);
    // At most one copy per SMTP lane (4) can be between acceptance and commit when a crash lands.
    assert.ok(resent <= plan.length * 4, `at most one resent copy per lane and crash\n${log.join('\n')}`);
    const check = await openStore({ kind: 'sqlite', location: dbPath });
    try {
      assert.deepEqual(await outboxCounts(check.db), { sent: SUBSCRIBERS });
    } finally {
      await check.close();
    }
    process.stdout.write(`crash test kill points:\n  ${log.join('\n  ')}\n`);
  } finally {
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
