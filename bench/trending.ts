// Trending benchmark: a store of N papers with M upvotes, R GitHub star series and page views;
// measures the full recompute (by stage, with memory), the time from one new upvote to its paper's
// new place in trendingPapers and on the /trending page an anonymous reader gets, and /trending's
// throughput against the daily page (/) served by the same app in the same run (autocannon, server
// in a child process, both asked with a browser's Accept-Encoding).
//
//   npm run bench -- trending [--papers 1000000] [--upvotes 10000000] [--repos 100000] [--users 200000]
//                             [--duration 10] [--connections 64] [--db PATH] [--seed-only]
//
// The seeded SQLite file is kept (--db, or a path named after the sizes) and reused by later runs.
// Seeding (bench/_trending-store.ts) is timed and printed but is not what is measured.
import { fork } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { AppContext } from '../src/context.js';
import type { TrendingStoreSizes } from './_trending-store.js';

const here = fileURLToPath(import.meta.url);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const DAY = 86_400_000;
/** What browsers send; the page cache may answer compressed bytes to it. */
const BROWSER_HEADERS = { 'accept-encoding': 'gzip, deflate, br' };
const mb = (bytes: number) => Math.round(bytes / 1048576);

async function context(dbPath: string): Promise<AppContext> {
  const { loadConfig } = await import('../src/config.js');
  const { createContext } = await import('../src/context.js');
  return createContext(
    loadConfig({
      LOG_LEVEL: 'silent',
      PAPERBOY_DATA_DIR: path.dirname(dbPath),
      DATABASE_URL: dbPath,
      PAPERBOY_SECRET: 'bench-secret',
      PAPERBOY_DEMO: 'false',
      PAPERBOY_WORKER: 'false',
      PAPERBOY_EMBEDDER: 'none',
      PAPERBOY_RATE_LIMIT_PER_MIN: '1000000', // the per-IP limit would otherwise answer 429 to the load generator
    }),
  );
}

async function seed(ctx: AppContext, s: TrendingStoreSizes): Promise<void> {
  const { getMeta, setMeta } = await import('../src/store/signals.js');
  const key = `bench_trending_seeded_v2:${s.papers}:${s.upvotes}:${s.repos}:${s.users}`;
  if ((await getMeta(ctx.store.db, key)) !== undefined) {
    console.log(`reusing seeded store (${key}, seeded ${await getMeta(ctx.store.db, key)})`);
    return;
  }
  const { seedTrendingStore } = await import('./_trending-store.js');
  const t = Date.now();
  const stages = await seedTrendingStore(ctx, s);
  const took = ((Date.now() - t) / 1000).toFixed(1);
  console.log(`seeded in ${took} s: ${JSON.stringify(stages)}`);
  await setMeta(ctx.store.db, key, `${new Date().toISOString()} in ${took} s`);
}

/** The server child: the app on port 0, plus one message to cast an upvote inside it (as the web route does). */
async function serve(dbPath: string): Promise<void> {
  const ctx = await context(dbPath);
  const { buildApp } = await import('../src/web/app.js');
  const { setUpvote } = await import('../src/community/upvotes.js');
  const { getUserById } = await import('../src/store/users.js');
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.on('message', async (m: { upvote?: { userId: number; paperId: string } }) => {
    if (!m.upvote) return;
    const user = await getUserById(ctx.store.db, m.upvote.userId);
    await setUpvote(ctx, user!, m.upvote.paperId, true);
    process.send!({ upvoted: m.upvote.paperId });
  });
  process.send!({ port: (app.server.address() as { port: number }).port });
}

async function load(url: string, duration: number, connections: number) {
  const r = await autocannon({ url, duration, connections, headers: BROWSER_HEADERS });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, kbPerReq: r.throughput.average / Math.max(1, r.requests.average) / 1024 };
}

/** Samples resident memory while `fn` runs; returns its result and the peak seen. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakRss: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const result = await fn();
    return { result, peakRss: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  if (arg('child', '') === 'serve') return serve(arg('db', ''));
  const sizes: TrendingStoreSizes = {
    papers: Number(arg('papers', '1000000')),
    upvotes: Number(arg('upvotes', '10000000')),
    repos: Number(arg('repos', '100000')),
    users: Number(arg('users', '200000')),
  };
  const duration = Number(arg('duration', '10'));
  const connections = Number(arg('connections', '64'));
  const dbPath = path.resolve(arg('db', path.join('/tmp', 'paperboy-bench-trending', `trending-${sizes.papers}-${sizes.upvotes}.db`)));
  mkdirSync(path.dirname(dbPath), { recursive: true });
  console.log(`trending benchmark: ${JSON.stringify(sizes)} db=${dbPath}${existsSync(dbPath) ? ' (exists)' : ''}`);

  const ctx = await context(dbPath);
  await seed(ctx, sizes);
  if (process.argv.includes('--seed-only')) return ctx.store.close();
  const { recomputeAll } = await import('../src/rank/recompute.js');
  const { paperSignalsChanged } = await import('../src/rank/hooks.js');
  const { trendingPapers } = await import('../src/store/trending.js');
  const count = (sql: string) => Number(ctx.store.sqlite!.prepare(sql).pluck().get());
  console.log(`store: ${count('select count(*) from papers')} papers, ${count('select count(*) from upvotes')} upvotes, ${count('select count(distinct full_name) from star_samples')} star series, ${count('select count(*) from star_samples')} samples, ${count('select count(*) from paper_views')} view counters`);

  // 1. Full recompute, twice (the first also finds a cold page cache and, on a fresh store, an empty score table).
  const passes = [];
  for (let i = 0; i < 2; i++) {
    const cpu0 = process.cpuUsage();
    const { result: r, peakRss } = await withPeakRss(() => recomputeAll(ctx));
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    passes.push({ ...r, cpuMs, peakRssMb: mb(peakRss) });
    console.log(
      `full recompute ${i + 1}: ${r.papers} papers scored from ${r.votes} upvotes in ${(r.ms / 1000).toFixed(2)} s wall, ${(cpuMs / 1000).toFixed(2)} s CPU of this process (SQLite included); ` +
        `stages ${Object.entries(r.stages).map(([k, v]) => `${k} ${v} ms`).join(', ')}; peak RSS sampled ${mb(peakRss)} MB, process max RSS so far ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
  }

  // 2. One new upvote: from the vote to its paper's new rank in trendingPapers.
  const week = await trendingPapers(ctx.store.db, { window: 'week', limit: 60 });
  const target = week[49] ?? week[week.length - 1];
  const oldVoter = () => Number(ctx.store.sqlite!.prepare('select id from users where created_at < ? and id not in (select user_id from upvotes where paper_id = ?) order by id limit 1').pluck().get(new Date(Date.now() - 60 * DAY).toISOString(), target.id));
  const voter = oldVoter();
  const before = target.score;
  const t0 = performance.now();
  await ctx.store.db.insertInto('upvotes').values({ user_id: voter, paper_id: target.id, created_at: new Date().toISOString() }).execute();
  await paperSignalsChanged(ctx, target.id);
  const tHook = performance.now();
  const after = await trendingPapers(ctx.store.db, { window: 'week', limit: 60 });
  const tQuery = performance.now();
  const moved = after.find((p) => p.id === target.id);
  console.log(
    `incremental: upvote on rank 50 (${target.id}, score ${before.toFixed(3)}) -> score ${moved?.score.toFixed(3)} rank ${after.findIndex((p) => p.id === target.id) + 1}; ` +
      `hook ${(tHook - t0).toFixed(1)} ms, visible in trendingPapers after ${(tQuery - t0).toFixed(1)} ms`,
  );

  // 3. The server: /trending against the daily page, same app, same run.
  const child = fork(here, ['--child', 'serve', '--db', dbPath], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: any) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  await load(`${base}/`, 2, connections); // warm-up, which also fills the page cache
  await load(`${base}/trending`, 2, connections);
  const daily = await load(`${base}/`, duration, connections);
  const trending = await load(`${base}/trending`, duration, connections);
  const trendingDay = await load(`${base}/trending?window=day`, duration, connections);

  // 4. An upvote cast inside the server (the web route's code) on the paper now at rank 31, while
  //    /trending is cached: how long until an anonymous reader's page 1 lists it.
  const list = await trendingPapers(ctx.store.db, { window: 'week', limit: 31 });
  const next = list[30];
  const gap = list[29].score - next.score;
  const cached = await (await fetch(`${base}/trending`, { headers: BROWSER_HEADERS })).text();
  const listedBefore = cached.includes(`data-paper="${next.id}"`);
  // Enough established voters to lift it past rank 30 (each vote now counts 1 before the weights).
  const needed = Math.max(1, Math.ceil(gap + 0.01));
  const voters = ctx.store.sqlite!
    .prepare('select id from users where created_at < ? and id not in (select user_id from upvotes where paper_id = ?) order by id limit ?')
    .pluck()
    .all(new Date(Date.now() - 60 * DAY).toISOString(), next.id, needed) as number[];
  await ctx.store.close();
  const tVote = performance.now();
  for (const userId of voters) {
    child.send({ upvote: { userId, paperId: next.id } });
    await new Promise((resolve) => child.once('message', resolve));
  }
  const tVoted = performance.now();
  let seenAfter = -1;
  for (let i = 0; i < 200; i++) {
    const page = await (await fetch(`${base}/trending`, { headers: BROWSER_HEADERS })).text();
    if (page.includes(`data-paper="${next.id}"`)) {
      seenAfter = performance.now() - tVote;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  child.kill();
  console.log(
    `server-side: ${voters.length} upvote(s) on rank 31 (${next.id}, ${gap.toFixed(3)} below rank 30; listed on cached page 1 before: ${listedBefore}) ` +
      `written in ${(tVoted - tVote).toFixed(1)} ms; on an anonymous reader's /trending after ${seenAfter < 0 ? 'NEVER (2 s)' : `${seenAfter.toFixed(1)} ms`}`,
  );

  const line = (name: string, r: Awaited<ReturnType<typeof load>>) =>
    `${name.padEnd(22)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ${r.kbPerReq.toFixed(1)} kB/response  non-2xx ${r.non2xx}  errors ${r.errors}`;
  console.log(`autocannon, ${connections} connections, ${duration} s each, Accept-Encoding: ${BROWSER_HEADERS['accept-encoding']}:`);
  console.log(line('/ (daily page)', daily));
  console.log(line('/trending', trending));
  console.log(line('/trending?window=day', trendingDay));
  console.log(`ratio /trending : / = ${(trending.rps / daily.rps).toFixed(2)}; /trending?window=day : / = ${(trendingDay.rps / daily.rps).toFixed(2)}`);
  console.log(JSON.stringify({ sizes, passes, incremental: { hookMs: tHook - t0, visibleMs: tQuery - t0 }, served: { upvotes: voters.length, visibleMs: seenAfter }, daily, trending, trendingDay }));
}

await main();
