// Seeds the trending benchmark's own throwaway SQLite store: N papers, M upvotes by U accounts, R
// GitHub star series and a week of page views. Everything goes in through raw prepared statements
// in primary-key order, with the secondary indexes and the full-text triggers of the tables being
// filled dropped first and restored afterwards: the fastest honest way to get ten million rows in.
// Seeding is not what the benchmark measures; the store it builds is the same schema the app uses.
//
// The papers are the benchmark generator's realistic records (bench/generate.ts), mapped field by
// field as the Kaggle import stores them (titles, authors, categories, arXiv links); code links in
// their text are not extracted: the benchmark's own 100,000 repositories are set on papers below.
// The full-text index is NOT filled for them (rebuilding FTS5 over a million abstracts takes longer
// than everything else here and neither /trending nor the daily page searches); its triggers are
// restored, so papers written later are indexed as usual.
import type { AppContext } from '../src/context.js';
import { dayOf } from '../src/clock.js';
import { arxivLinks } from '../src/ingest/normalize.js';
import { authorKey, featurePapers } from '../src/store/papers.js';
import { generateKaggleRecords } from './generate.js';

export interface TrendingStoreSizes {
  papers: number;
  upvotes: number;
  repos: number;
  users: number;
}

const DAY = 86_400_000;

/** A small deterministic PRNG (mulberry32), so the same sizes give the same store. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seconds = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)} s`;

/** Runs `fn` with the named indexes and triggers dropped, then recreates them from their stored SQL. */
function withoutIndexes(sqlite: NonNullable<AppContext['store']['sqlite']>, table: string, fn: () => void): void {
  const objects = sqlite
    .prepare("select type, name, sql from sqlite_master where tbl_name = ? and type in ('index', 'trigger') and sql is not null")
    .all(table) as Array<{ type: string; name: string; sql: string }>;
  for (const o of objects) sqlite.exec(`drop ${o.type} ${o.name}`);
  fn();
  for (const o of objects) sqlite.exec(o.sql);
}

/** Seeds the store from scratch; returns the seconds each stage took (printed as it goes). */
export async function seedTrendingStore(ctx: AppContext, s: TrendingStoreSizes, now = Date.now()): Promise<Record<string, number>> {
  const sqlite = ctx.store.sqlite;
  if (!sqlite) throw new Error('the trending benchmark seeds SQLite stores only');
  const stages: Record<string, number> = {};
  const stage = (name: string, t: number) => {
    stages[name] = Math.round((Date.now() - t) / 100) / 10;
    console.log(`  seed ${name}: ${seconds(t)}`);
  };
  const random = rng(7);
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144'); // 256 MiB while seeding: index builds sort in it
  for (const t of ['upvotes', 'comments', 'users', 'star_samples', 'github_repos', 'paper_views', 'trending_scores', 'daily_features', 'paper_categories', 'paper_authors', 'papers']) {
    sqlite.exec(`delete from ${t}`);
  }

  // Papers, their authors and categories, in id order (the generator's ids rise with the index).
  let t = Date.now();
  const ids: string[] = [];
  const insPaper = sqlite.prepare(`insert into papers (id, version, title, abstract, authors, categories, primary_category, published_at, updated_at,
    comments, journal_ref, doi, license, links, github_repo, source, created_at, changed_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insAuthor = sqlite.prepare('insert into paper_authors (paper_id, position, name, name_key) values (?, ?, ?, ?)');
  const insCategory = sqlite.prepare('insert or ignore into paper_categories (paper_id, category, is_primary) values (?, ?, ?)');
  const stamp = new Date(now).toISOString();
  withoutIndexes(sqlite, 'papers', () =>
    withoutIndexes(sqlite, 'paper_authors', () =>
      withoutIndexes(sqlite, 'paper_categories', () => {
        const records = generateKaggleRecords(s.papers, 42);
        const batch = sqlite.transaction((n: number) => {
          for (let i = 0; i < n; i++) {
            const next = records.next();
            if (next.done) return;
            const r = next.value;
            // The generator's records are clean; mapped here directly (the normaliser costs as much as generating them).
            const version = r.versions.length;
            const authors = r.authors_parsed.map(([last, first]) => (first ? `${first} ${last}` : last));
            const categories = [...new Set(r.categories.split(' '))];
            const published = new Date(r.versions[0].created).toISOString();
            const updated = new Date(r.versions[version - 1].created).toISOString();
            const links = arxivLinks(r.id, version);
            insPaper.run(r.id, version, r.title.replace(/\s+/g, ' ').trim(), r.abstract.replace(/\s+/g, ' ').trim(), JSON.stringify(authors), JSON.stringify(categories), categories[0] ?? null,
              published, updated, r.comments, r['journal-ref'], r.doi, r.license, JSON.stringify(links), null, 'bench:trending', stamp, stamp);
            authors.forEach((name, position) => insAuthor.run(r.id, position, name, authorKey(name)));
            categories.forEach((c, k) => insCategory.run(r.id, c, k === 0 ? 1 : 0));
            ids.push(r.id);
          }
        });
        for (let done = 0; done < s.papers; done += 10_000) batch(Math.min(10_000, s.papers - done));
        stage('papers', t);
        t = Date.now();
      }),
    ),
  );
  stage('paper indexes', t);

  // The daily lists of the last 30 days, 50 papers a day (the newest papers), for the daily page.
  t = Date.now();
  const newest = ids.slice(-1500).reverse();
  await ctx.store.db.transaction().execute((trx) =>
    featurePapers(
      trx,
      newest.map((paperId, k) => {
        const day = dayOf(new Date(now - Math.floor(k / 50) * DAY));
        return { paperId, day, submittedBy: null, submittedAt: new Date(Date.parse(`${day}T06:00:00Z`) + (k % 50) * 60_000).toISOString() };
      }),
    ),
  );

  // Users: most created long ago; 2% in the last 30 days (some of their votes get damped).
  const insUser = sqlite.prepare("insert into users (id, email, username, display_name, role, suspended, created_at) values (?, ?, ?, ?, 'member', 0, ?)");
  const userCreated: number[] = new Array(s.users + 1);
  sqlite.transaction(() => {
    for (let u = 1; u <= s.users; u++) {
      const young = random() < 0.02;
      const created = young ? now - random() * 30 * DAY : now - 60 * DAY - random() * 700 * DAY;
      userCreated[u] = created;
      insUser.run(u, `u${u}@bench.invalid`, `u${u}`, `User ${u}`, new Date(created).toISOString());
    }
  })();
  stage('daily lists and users', t);

  // Upvotes in primary-key order (user, paper): popularity skewed towards newer papers (higher
  // index), each vote at a random time in the last 30 days after its voter's account existed.
  t = Date.now();
  let votes = 0;
  withoutIndexes(sqlite, 'upvotes', () => {
    const insVote = sqlite.prepare('insert or ignore into upvotes (user_id, paper_id, created_at) values (?, ?, ?)');
    const perUser = s.upvotes / s.users;
    const N = ids.length;
    const batch = sqlite.transaction((from: number, to: number) => {
      for (let u = from; u < to; u++) {
        const k = Math.max(1, Math.round(perUser * (0.5 + random())));
        const picks = new Set<string>();
        for (let j = 0; j < k; j++) picks.add(ids[N - 1 - Math.floor(N * random() ** 3)]);
        const earliest = Math.max(now - 30 * DAY, userCreated[u]);
        for (const paperId of [...picks].sort()) votes += insVote.run(u, paperId, new Date(earliest + random() * (now - earliest)).toISOString()).changes;
      }
    });
    for (let u = 1; u <= s.users; u += 1000) batch(u, Math.min(s.users + 1, u + 1000));
    stage('upvotes', t);
    t = Date.now();
  });
  stage('upvote indexes', t);
  t = Date.now();
  // The denormalised counter the pages show; the FTS update trigger fires only on text columns.
  sqlite.exec('update papers set upvotes = (select count(*) from upvotes v where v.paper_id = papers.id) where id in (select distinct paper_id from upvotes)');
  stage('upvote counters', t);

  // Star series: R repositories on R papers spread over the store, a sample a day for 40 days.
  t = Date.now();
  const setRepo = sqlite.prepare('update papers set github_repo = ? where id = ?');
  const insSample = sqlite.prepare('insert into star_samples (full_name, at, stars) values (?, ?, ?)');
  const insRepo = sqlite.prepare("insert into github_repos (full_name, stars, status, checked_at, next_check_at) values (?, ?, 'ok', ?, ?)");
  let samples = 0;
  sqlite.transaction(() => {
    const N = ids.length;
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
  // Views: a week of counters on up to 100,000 papers.
  const insView = sqlite.prepare('insert or ignore into paper_views (paper_id, day, count) values (?, ?, ?)');
  let viewRows = 0;
  sqlite.transaction(() => {
    const N = ids.length;
    for (let i = 0; i < Math.min(100_000, N); i++) {
      const id = ids[N - 1 - Math.floor(N * random() ** 2)];
      for (let d = 0; d < 7; d++) viewRows += insView.run(id, new Date(now - d * DAY).toISOString().slice(0, 10), 1 + Math.floor(random() * 50)).changes;
    }
  })();
  stage('stars and views', t);
  t = Date.now();
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('cache_size = -65536');
  sqlite.exec('analyze');
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  stage('analyze', t);
  console.log(`  seeded ${ids.length} papers, ${votes} upvotes by ${s.users} accounts, ${s.repos} star series (${samples} samples), ${viewRows} view counters`);
  return stages;
}
