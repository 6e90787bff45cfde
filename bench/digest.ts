// Digest benchmark: N confirmed subscribers with varied preferences over a store of P papers; the
// whole digest run (compose every digest, record the outbox, render, send) handed to a local SMTP
// sink that discards, through the 4-connection pool paperboy uses (in its SMTP thread). In the same
// run, the same sink is then fed pre-rendered messages of the same size through the same pool, each
// passing the same before-the-dot gate (answering yes without a query): the ceiling that SMTP alone
// allows on this machine. Prints both rates, their ratio and the peak RSS of the process.
//
//   npm run bench -- digest [--subscribers 100000] [--papers 100000] [--baseline 10000] [--db PATH] [--profile DIR] [--phases]
//
// --phases also prints the main thread's wall-clock time by phase of the run (src/mail/phase-times.ts).
//
// --profile DIR writes one CPU profile of the whole run and one of the pre-rendered phase (open them
// in Chrome DevTools), so the two phases' costs can be compared without the seeding in between.
//
// The seeded papers stay in --db (default bench/_tmp/digest-bench.db) for later runs; subscribers
// and the outbox are recreated on every run.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { seedStore } from './seed.js';
import { countPapers } from '../src/store/papers.js';
import { defaultPreferences, insertSubscribers, type Preferences } from '../src/store/subscribers.js';
import { runDigests } from '../src/mail/digest-run.js';
import { IN_FLIGHT_PER_CONNECTION } from '../src/mail/deliver.js';
import { mailTransport, closeMailTransport } from '../src/mail/transport.js';
import { buildMessage } from '../src/mail/message.js';
import { outboxCounts } from '../src/store/outbox.js';
import { phaseTotals, startPhaseTimes, stopPhaseTimes } from '../src/mail/phase-times.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SUBSCRIBERS = Number(arg('subscribers', '100000'));
const PAPERS = Number(arg('papers', '100000'));
const BASELINE = Number(arg('baseline', '10000'));
const dbPath = path.resolve(arg('db', path.join(here, '_tmp', 'digest-bench.db')));
const PROFILE_DIR = arg('profile', '');
const PHASES = process.argv.includes('--phases');

const profiler = new Session();
async function profileStart(): Promise<void> {
  if (!PROFILE_DIR) return;
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
async function profileStop(name: string): Promise<void> {
  if (!PROFILE_DIR) return;
  const { profile } = await profiler.post('Profiler.stop');
  mkdirSync(PROFILE_DIR, { recursive: true });
  writeFileSync(path.join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
  profiler.disconnect();
}

interface SinkCount {
  messages: number;
  bytes: number;
  /** CPU time the sink process has used so far. */
  cpuMs: number;
}

function startSink(): Promise<{ child: ChildProcess; port: number; count(): Promise<SinkCount> }> {
  const child = fork(path.join(here, '_smtp-sink.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve) => {
    child.once('message', (m: { port: number }) =>
      resolve({
        child,
        port: m.port,
        count: () => new Promise((r) => (child.once('message', r as never), child.send({ type: 'count' }))),
      }),
    );
  });
}

// CPU time of this process's threads (Linux /proc; utime + stime in clock ticks of 10 ms), by thread
// id: the main thread's id is the process id; the busiest other thread of a phase is the SMTP thread,
// the rest are V8's helpers (GC, compilation).
type ThreadCpu = Map<number, number>;
function threadCpuMs(): ThreadCpu {
  const out: ThreadCpu = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return out;
}

/** Where one phase's CPU went, per message: the main thread, the SMTP thread, V8's helper threads, the sink. */
function cpuLine(messages: number, cpu0: ThreadCpu, cpu1: ThreadCpu, sink0: SinkCount, sink1: SinkCount): string {
  const per = (ms: number) => `${((ms / Math.max(1, messages)) * 1000).toFixed(0)} µs`;
  const deltas = [...cpu1].map(([tid, ms]) => [tid, ms - (cpu0.get(tid) ?? 0)] as const);
  const main = deltas.find(([tid]) => tid === process.pid)?.[1] ?? 0;
  const others = deltas.filter(([tid]) => tid !== process.pid).map(([, ms]) => ms).sort((a, b) => b - a);
  const smtp = others[0] ?? 0;
  const helpers = others.slice(1).reduce((a, b) => a + b, 0);
  const sinkMs = sink1.cpuMs - sink0.cpuMs;
  return `CPU per message: main thread ${per(main)}, SMTP thread ${per(smtp)}, V8 helper threads ${per(helpers)}, sink process ${per(sinkMs)}; total ${per(main + smtp + helpers + sinkMs)}`;
}

let peakRss = 0;
// What the memory was made of at the peak (main-thread heap, Buffers and other memory outside it).
let atPeak = process.memoryUsage();
const sampler = setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) {
    peakRss = rss;
    atPeak = process.memoryUsage();
  }
}, 250);
const mb = (b: number) => `${Math.round(b / 1048576)} MB`;

const sink = await startSink();
mkdirSync(path.dirname(dbPath), { recursive: true });
const fresh = !existsSync(dbPath);
const ctx = await createContext(
  loadConfig({
    LOG_LEVEL: 'silent',
    DATABASE_URL: dbPath,
    PAPERBOY_DATA_DIR: path.dirname(dbPath),
    PAPERBOY_SECRET: 'bench-secret',
    PAPERBOY_SMTP_URL: `smtp://127.0.0.1:${sink.port}?tls=off`,
    PAPERBOY_MAIL_RATE: '100000',
    PAPERBOY_BASE_URL: 'https://papers.example.org',
    PAPERBOY_DEMO: 'false',
    PAPERBOY_EMBEDDER: 'none',
  }),
);
try {
  if (fresh || (await countPapers(ctx.store.db)) < PAPERS) {
    const t = Date.now();
    await seedStore(ctx, { papers: PAPERS, days: 30, dailyPerDay: 50 });
    process.stdout.write(`seeded ${PAPERS} papers in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  }
  // A fresh subscriber base and outbox on every run.
  await ctx.store.db.deleteFrom('digest_papers').execute();
  await ctx.store.db.deleteFrom('outbox').execute();
  await ctx.store.db.deleteFrom('subscribers').execute();
  await ctx.store.db.deleteFrom('mail_control').execute();

  // Varied preferences: what the store actually has (categories and authors of real rows).
  const cats = (await ctx.store.db.selectFrom('paper_categories').select('category').distinct().limit(40).execute()).map((r) => r.category);
  const authors = (await ctx.store.db.selectFrom('paper_authors').select('name').orderBy('paper_id', 'desc').limit(400).execute()).map((r) => r.name);
  const topics = ['transformer', 'diffusion', 'graph neural', 'reinforcement learning', 'language model', 'quantum', 'robust', 'benchmark', 'sparse', 'federated', 'contrastive', 'retrieval'];
  const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'America/Los_Angeles'];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(list: T[], n: number) => Array.from({ length: n }, () => list[Math.floor(rnd() * list.length)]).filter((v, i, a) => v !== undefined && a.indexOf(v) === i);
  const subscriber = (i: number): Preferences & { email: string; status: 'active' } => ({
    ...defaultPreferences,
    email: `reader${i}@bench.example.org`,
    status: 'active',
    frequency: rnd() < 0.8 ? 'daily' : 'weekly',
    timezone: zones[i % zones.length],
    hour: Math.floor(rnd() * 24),
    weekday: Math.floor(rnd() * 7),
    topN: [0, 3, 5, 10][Math.floor(rnd() * 4)],
    includeDaily: rnd() < 0.7,
    categories: pick(cats, Math.floor(rnd() * 3)),
    topics: pick(topics, Math.floor(rnd() * 3)),
    authors: pick(authors, Math.floor(rnd() * 2)),
  });
  // Generated and inserted 1,000 at a time. The subscriber list is the benchmark's, not the run's: a
  // list of all 100,000, dropped after the insert, was still garbage in the old generation when the
  // measured run started (old space 136-141 MB in its first 10 s, 19 MB after the first full
  // collection, in a --trace-gc probe), and sessions 1-3 counted it in the run's peak RSS.
  let t = Date.now();
  for (let from = 0; from < SUBSCRIBERS; from += 1000) {
    const chunk = Array.from({ length: Math.min(1000, SUBSCRIBERS - from) }, (_, k) => subscriber(from + k));
    await insertSubscribers(ctx.store.db, chunk, ctx.clock.now().toISOString());
  }
  process.stdout.write(`${SUBSCRIBERS} subscribers inserted in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);

  const transport = mailTransport(ctx);

  // 1. The full run: compose, record, render, send.
  peakRss = process.memoryUsage().rss;
  const before = await sink.count();
  await profileStart();
  const cpuRun0 = threadCpuMs();
  if (PHASES) startPhaseTimes();
  t = Date.now();
  const report = await runDigests(ctx, { period: 'all', force: true, delivery: { transport } });
  const runSeconds = (Date.now() - t) / 1000;
  const cpuRun1 = threadCpuMs();
  const phases = phaseTotals();
  stopPhaseTimes();
  await profileStop('digest-run');
  const after = await sink.count();
  const sent = after.messages - before.messages;
  const avgSize = (after.bytes - before.bytes) / Math.max(1, sent);
  const runRate = sent / runSeconds;
  const runPeak = peakRss;
  const runPeakParts = atPeak;

  // 2. The ceiling: pre-rendered messages of the same size through the same pool, same sink.
  const filler = 'x'.repeat(76);
  const sample = await buildMessage(ctx, {
    to: 'reader0@bench.example.org',
    messageId: '<bench@papers.example.org>',
    date: new Date(),
    mail: { subject: 'Pre-rendered', text: '', html: '' },
  });
  const body = Buffer.concat([sample.raw, Buffer.from(Array.from({ length: Math.max(0, Math.round((avgSize - sample.raw.length) / 78)) }, () => `${filler}\r\n`).join(''))]);
  const before2 = await sink.count();
  await profileStart();
  const cpuBase0 = threadCpuMs();
  t = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: transport.lanes.size * IN_FLIGHT_PER_CONNECTION }, async () => {
      while (next < BASELINE) {
        const i = next++;
        await transport.rate.take();
        const r = await transport.lanes.send({ from: sample.from, to: `reader${i}@bench.example.org` }, body, async () => true);
        if (!r.ok) throw new Error(`baseline send failed: ${r.message}`);
      }
    }),
  );
  const baseSeconds = (Date.now() - t) / 1000;
  const cpuBase1 = threadCpuMs();
  await profileStop('pre-rendered');
  const after2 = await sink.count();
  const baseRate = (after2.messages - before2.messages) / baseSeconds;

  const counts = await outboxCounts(ctx.store.db);
  process.stdout.write(
    [
      `digest run: ${SUBSCRIBERS} subscribers over ${PAPERS} papers; composed ${report.composed}, empty ${report.empty}; outbox ${JSON.stringify(counts)}`,
      `  whole run (compose + record + render + send): ${sent} digests in ${runSeconds.toFixed(1)} s = ${runRate.toFixed(0)} digests/s, average ${Math.round(avgSize)} bytes, peak RSS ${mb(runPeak)} (main-thread heap ${mb(runPeakParts.heapUsed)} used of ${mb(runPeakParts.heapTotal)}, external ${mb(runPeakParts.external)})`,
      `    ${cpuLine(sent, cpuRun0, cpuRun1, before, after)}`,
      ...(PHASES
        ? [
            `    main thread by phase (wall clock, µs per digest sent): ${[...phases].map(([phase, ms]) => `${phase} ${((ms / Math.max(1, sent)) * 1000).toFixed(0)}`).join(', ')}; together ${(([...phases.values()].reduce((a, b) => a + b, 0) / Math.max(1, sent)) * 1000).toFixed(0)} µs of ${((runSeconds / Math.max(1, sent)) * 1e6).toFixed(0)} µs per digest`,
          ]
        : []),
      `  pre-rendered ${Math.round(body.length)}-byte messages, same pool and sink: ${after2.messages - before2.messages} in ${baseSeconds.toFixed(1)} s = ${baseRate.toFixed(0)} messages/s`,
      `    ${cpuLine(after2.messages - before2.messages, cpuBase0, cpuBase1, before2, after2)}`,
      `  ratio: ${((runRate / baseRate) * 100).toFixed(0)}% (target >= 50%); rate target >= 200/s; RSS target <= 500 MB`,
      '',
    ].join('\n'),
  );
} finally {
  clearInterval(sampler);
  closeMailTransport(ctx);
  await ctx.store.close();
  sink.child.send({ type: 'stop' });
}
