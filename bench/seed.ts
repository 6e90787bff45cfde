// Fills a store with generated papers for benchmarks, through the real Kaggle import path, and puts
// the newest of them on the daily lists of the last `days` days.
//
//   import { seedStore } from './seed.js';
//   await seedStore(ctx, { papers: 100_000 });            // 100k papers, 50 a day on the last 30 days
//   npm run bench -- seed --papers 100000 [--days 30] [--daily 50]   (seeds the configured store)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../src/context.js';
import { dayOf } from '../src/clock.js';
import { importKaggleItems, type ImportSummary } from '../src/ingest/kaggle.js';
import { featurePapers } from '../src/store/papers.js';
import { generateKaggleRecords } from './generate.js';

export interface SeedOptions {
  papers: number;
  /** Papers on each daily list (default 50). */
  dailyPerDay?: number;
  /** How many daily lists, ending today by the context's clock (default 30). */
  days?: number;
  /** Generator seed (default 42): the same options give the same store. */
  seed?: number;
  /** Records per transaction (default 5000). */
  batchSize?: number;
}

export interface SeedResult extends ImportSummary {
  featured: number;
  days: string[]; // the daily-list days, newest first
}

export async function seedStore(ctx: AppContext, options: SeedOptions): Promise<SeedResult> {
  const dailyPerDay = options.dailyPerDay ?? 50;
  const dayCount = options.days ?? 30;
  const wanted = Math.min(options.papers, dailyPerDay * dayCount);
  // Ids rise with the index, so the last records generated are the newest papers: those go on the lists.
  const newest: string[] = [];
  const firstNewest = options.papers - wanted;
  let index = 0;
  function* items() {
    for (const record of generateKaggleRecords(options.papers, options.seed ?? 42)) {
      if (index >= firstNewest) newest.push(record.id);
      yield { location: `record ${index++}`, record };
    }
  }
  const summary = await importKaggleItems(ctx, items(), { source: 'bench:seed', batchSize: options.batchSize ?? 5000 });

  const today = ctx.clock.now();
  const days = Array.from({ length: dayCount }, (_, d) => dayOf(new Date(today.getTime() - d * 86_400_000)));
  const rows = newest.reverse().map((paperId, k) => {
    const day = days[Math.floor(k / dailyPerDay)];
    // Submitted through the day, in list order, so "newest first" orderings are stable.
    const submittedAt = new Date(Date.parse(`${day}T06:00:00Z`) + (k % dailyPerDay) * 60_000).toISOString();
    return { paperId, day, submittedBy: null, submittedAt };
  });
  await ctx.store.db.transaction().execute((trx) => featurePapers(trx, rows));
  return { ...summary, featured: rows.length, days: days.filter((_, d) => d * dailyPerDay < rows.length) };
}

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { loadConfig, loadDotEnv } = await import('../src/config.js');
  const { createContext } = await import('../src/context.js');
  await loadDotEnv();
  const ctx = await createContext(loadConfig());
  try {
    const r = await seedStore(ctx, {
      papers: Number(arg('papers', '10000')),
      days: Number(arg('days', '30')),
      dailyPerDay: Number(arg('daily', '50')),
      seed: Number(arg('seed', '42')),
    });
    process.stdout.write(
      `seeded ${r.inserted} new papers (${r.unchanged} already there) in ${r.seconds.toFixed(1)} s; ${r.featured} on the daily lists ${r.days.at(-1)} .. ${r.days[0]}\n`,
    );
  } finally {
    await ctx.store.close();
  }
}
