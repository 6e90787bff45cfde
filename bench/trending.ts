// Trending benchmark: a store of N papers with M upvotes, R GitHub star series and page views;
// measures the full recompute, the time from one new upvote to its paper's new place in
// trendingPapers and on /trending, and /trending's throughput against the daily page (/) served
// by the same app in the same run (autocannon, server in a child process).
//
//   npm run bench -- trending [--papers 1000000] [--upvotes 10000000] [--repos 100000] [--users 200000]
//                             [--duration 10] [--connections 32] [--db PATH]
//
// --db keeps the seeded SQLite file for later runs (seeding a million papers takes minutes).
// Upvotes, users, star samples and views are generated straight into SQLite with prepared
// statements in primary-key order, secondary indexes built afterwards: the fastest way to get
// 10 million rows in, and not what is measured.
import { fork } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { AppContext } from '../src/context.js';

const here = fileURLToPath(import.meta.url);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const DAY = 86_400_000;

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

/** A small deterministic PRNG (mulberry32), so the same options give the same store. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SeedSizes {
  papers: number;
  upvotes: number;
  repos: number;
  users: number;
}

async function seed(ctx: AppContext, s: SeedSizes): Promise<void> {
  const { seedStore } = await import('./seed.js');
  const { countPapers } = await import('../src/store/papers.js');
  const { getMeta, setMeta } = await import('../src/store/signals.js');
  const key = `bench_trending_seeded:${s.papers}:${s.upvotes}:${s.repos}:${s.users}`;
  if ((await getMeta(ctx.store.db, key)) !== undefined) {
    console.log(`reusing seeded store (${key})`);
    return;
  }
  const sqlite = ctx.store.sqlite!;
  let t = Date.now();
  const have = await countPapers(ctx.store.db);
  if (have < s.papers) {
    const r = await seedStore(ctx, { papers: s.papers, batchSize: 10_000 });
    console.log(`seeded ${r.inserted} papers in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  const ids = (sqlite.prepare('select id from papers order by id').pluck().all() as string[]).slice(0, s.papers);
  const now = Date.now();
  const random = rng(7);
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma('synchronous = OFF');

  // Users: most created long ago; 2% created in the last days (some of their votes get damped).
  t = Date.now();
  sqlite.exec('delete from upvotes; delete from users; delete from star_samples; delete from paper_views; delete from trending_scores; delete from github_repos');
  const insUser = sqlite.prepare('insert into users (id, email, username, display_name, role, suspended, created_at) values (?, ?, ?, ?, ?, 0, ?)');
  const userCreated: number[] = new Array(s.users + 1);
  sqlite.transaction(() => {
    for (let u = 1; u <= s.users; u++) {
      const young = random() < 0.02;
      const created = young ? now - random() * 30 * DAY : now - 60 * DAY - random() * 700 * DAY;
      userCreated[u] = created;
      insUser.run(u, `u${u}@bench.invalid`, `u${u}`, `User ${u}`, 'member', new Date(created).toISOString());
    }
  })();

  // Upvotes in primary-key order (user, paper): popularity skewed towards newer papers (higher
  // index), each vote at a random time in the last 30 days (after its voter's account existed).
  sqlite.exec('drop index if exists upvotes_paper; drop index if exists upvotes_time; drop index if exists upvotes_paper_time_user');
  const insVote = sqlite.prepare('insert or ignore into upvotes (user_id, paper_id, created_at) values (?, ?, ?)');
  const perUser = s.upvotes / s.users;
  let votes = 0;
  const N = ids.length;
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let u = from; u < to; u++) {
      const k = Math.max(1, Math.round(perUser * (0.5 + random())));
      const picks = new Set<string>();
      for (let j = 0; j < k; j++) picks.add(ids[N - 1 - Math.floor(N * random() ** 3)]);
      const sorted = [...picks].sort();
      for (const paperId of sorted) {
        const earliest = Math.max(now - 30 * DAY, userCreated[u]);
        votes += insVote.run(u, paperId, new Date(earliest + random() * (now - earliest)).toISOString()).changes;
      }
    }
  });
  for (let u = 1; u <= s.users; u += 1000) batch(u, Math.min(s.users + 1, u + 1000));
  console.log(`generated ${s.users} users and ${votes} upvotes in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  sqlite.exec('create index upvotes_paper on upvotes (paper_id, created_at); create index upvotes_time on upvotes (created_at); create index upvotes_paper_time_user on upvotes (paper_id, created_at, user_id)');
  sqlite.exec("update papers set upvotes = coalesce((select count(*) from upvotes v where v.paper_id = papers.id), 0)");
  console.log(`indexed upvotes and counted them per paper in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  // Star series: R repositories on R papers (spread over the store), a sample a day for 40 days.
  t = Date.now();
  sqlite.exec("update papers set github_repo = null where github_repo like 'bench/%'");
  const setRepo = sqlite.prepare('update papers set github_repo = ? where id = ?');
  const insSample = sqlite.prepare('insert into star_samples (full_name, at, stars) values (?, ?, ?)');
  const insRepo = sqlite.prepare("insert into github_repos (full_name, stars, status, checked_at, next_check_at) values (?, ?, 'ok', ?, ?)");
  let samples = 0;
  sqlite.transaction(() => {
    const step = Math.max(1, Math.floor(N / s.repos));
    for (let r = 0; r < s.repos; r++) {
      const name = `bench/repo${String(r).padStart(7, '0')}`;
      setRepo.run(name, ids[Math.min(N - 1, r * step)]);
      let stars = Math.floor(random() * 200);
      const rate = random() ** 4 * 500; // a few repositories gain hundreds a day
      for (let d = 40; d >= 0; d--) {
        stars += Math.floor(rate * random());
        insSample.run(name, new Date(now - d * DAY).toISOString(), stars);
        samples++;
      }
      insRepo.run(name, stars, new Date(now).toISOString(), new Date(now + DAY).toISOString());
    }
  })();
  // Views: a week of counters on 100,000 papers.
  const insView = sqlite.prepare('insert or ignore into paper_views (paper_id, day, count) values (?, ?, ?)');
  let viewRows = 0;
  sqlite.transaction(() => {
    for (let i = 0; i < Math.min(100_000, N); i++) {
      const id = ids[N - 1 - Math.floor(N * random() ** 2)];
      for (let d = 0; d < 7; d++) viewRows += insView.run(id, new Date(now - d * DAY).toISOString().slice(0, 10), 1 + Math.floor(random() * 50)).changes;
    }
  })();
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('analyze');
  console.log(`generated ${s.repos} star series (${samples} samples) and ${viewRows} view counters in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  await setMeta(ctx.store.db, key, new Date().toISOString());
}

async function serve(dbPath: string): Promise<void> {
  const ctx = await context(dbPath);
  const { buildApp } = await import('../src/web/app.js');
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send!({ port: (app.server.address() as { port: number }).port });
}

async function load(url: string, duration: number, connections: number) {
  const r = await autocannon({ url, duration, connections });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

async function main(): Promise<void> {
  if (arg('child', '') === 'serve') return serve(arg('db', ''));
  const sizes: SeedSizes = {
    papers: Number(arg('papers', '1000000')),
    upvotes: Number(arg('upvotes', '10000000')),
    repos: Number(arg('repos', '100000')),
    users: Number(arg('users', '200000')),
  };
  const duration = Number(arg('duration', '10'));
  const connections = Number(arg('connections', '32'));
  const dbPath = path.resolve(arg('db', path.join('/tmp', 'paperboy-bench-trending', `trending-${sizes.papers}-${sizes.upvotes}.db`)));
  mkdirSync(path.dirname(dbPath), { recursive: true });
  console.log(`trending benchmark: ${JSON.stringify(sizes)} db=${dbPath}${existsSync(dbPath) ? ' (exists)' : ''}`);

  const ctx = await context(dbPath);
  await seed(ctx, sizes);
  const { recomputeAll } = await import('../src/rank/recompute.js');
  const { paperSignalsChanged } = await import('../src/rank/hooks.js');
  const { trendingPapers } = await import('../src/store/trending.js');
  const count = (sql: string) => Number(ctx.store.sqlite!.prepare(sql).pluck().get());
  console.log(`store: ${count('select count(*) from papers')} papers, ${count('select count(*) from upvotes')} upvotes, ${count('select count(distinct full_name) from star_samples')} star series, ${count('select count(*) from star_samples')} samples`);

  // 1. Full recompute (twice: the first run also warms the page cache).
  const passes = [];
  for (let i = 0; i < 2; i++) {
    const cpu0 = process.cpuUsage();
    const r = await recomputeAll(ctx);
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
    passes.push({ ...r, cpuMs });
    console.log(`full recompute ${i + 1}: ${r.papers} papers scored from ${r.votes} upvotes in ${(r.ms / 1000).toFixed(2)} s wall, ${(cpuMs / 1000).toFixed(2)} s CPU (read ${r.stages.readMs} ms, stream+score ${r.stages.scoreMs} ms, write ${r.stages.writeMs} ms)`);
  }

  // 2. One new upvote: from the vote to its paper's new rank in trendingPapers and on /trending.
  const week = await trendingPapers(ctx.store.db, { window: 'week', limit: 60 });
  const target = week[49] ?? week[week.length - 1];
  const voter = Number(ctx.store.sqlite!.prepare("select id from users where created_at < ? and id not in (select user_id from upvotes where paper_id = ?) limit 1").pluck().get(new Date(Date.now() - 60 * DAY).toISOString(), target.id));
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
  await ctx.store.close();

  // 3. /trending against the daily page, same app, same run.
  const child = fork(here, ['--child', 'serve', '--db', dbPath], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: any) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const rank = after.findIndex((p) => p.id === target.id) + 1;
  const pageOf = Math.ceil(rank / 30);
  const probe = await fetch(`${base}/trending${pageOf > 1 ? `?page=${pageOf}` : ''}`);
  const html = await probe.text();
  const tVisible = html.includes(`data-paper="${target.id}"`);
  console.log(`/trending${pageOf > 1 ? `?page=${pageOf}` : ''} answers ${probe.status}, ${html.length} bytes, upvoted paper listed at its new rank: ${tVisible}`);
  await load(`${base}/`, 2, connections); // warm-up
  await load(`${base}/trending`, 2, connections);
  const daily = await load(`${base}/`, duration, connections);
  const trending = await load(`${base}/trending`, duration, connections);
  const trendingDay = await load(`${base}/trending?window=day`, duration, connections);
  child.kill();
  const line = (name: string, r: Awaited<ReturnType<typeof load>>) =>
    `${name.padEnd(20)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  non-2xx ${r.non2xx}  errors ${r.errors}`;
  console.log(`autocannon, ${connections} connections, ${duration} s each:`);
  console.log(line('/ (daily page)', daily));
  console.log(line('/trending', trending));
  console.log(line('/trending?window=day', trendingDay));
  console.log(`ratio /trending : / = ${(trending.rps / daily.rps).toFixed(2)}`);
  console.log(JSON.stringify({ sizes, passes, incremental: { hookMs: tHook - t0, visibleMs: tQuery - t0 }, daily, trending, trendingDay }));
}

await main();
