// Background tasks of search, run by the worker: embedding papers that have no vector for the
// configured model (newest first, in batches, each batch committed, so a restart resumes where it
// stopped), the engine's periodic upkeep, and pruning quantized vectors of removed papers.
import type { AppContext } from '../context.js';
import type { TaskDefinition } from '../worker/worker.js';
import { embedderOf } from './embedder.js';
import './engines.js';
import { searchIndexOf } from './index.js';

export interface EmbedOptions {
  batch?: number;
  /** Stop after this many batches (one job's share; the next job continues). */
  maxBatches?: number;
  /** Stop once this much time has passed (ms), so one job never holds the worker for long. */
  budgetMs?: number;
  onProgress?: (done: number) => void;
}

/** Embeds pending papers; returns how many were embedded. */
export async function embedPending(ctx: AppContext, o: EmbedOptions = {}): Promise<number> {
  const embedder = embedderOf(ctx);
  if (!embedder) return 0;
  const index = searchIndexOf(ctx);
  const batch = o.batch ?? 32;
  const started = Date.now();
  let done = 0;
  for (let i = 0; i < (o.maxBatches ?? Infinity); i++) {
    if (o.budgetMs !== undefined && Date.now() - started > o.budgetMs) break;
    const pending = await index.pendingForEmbedding({ name: embedder.name, dims: 0 }, batch);
    if (!pending.length) break;
    const vectors = await embedder.embed(pending.map((p) => p.text));
    const dims = vectors[0]?.length ?? 0;
    await index.upsertVectors(
      pending.map((p, j) => ({ paperId: p.paperId, vector: vectors[j] })),
      { name: embedder.name, dims },
      ctx.clock.now().toISOString(),
    );
    done += pending.length;
    o.onProgress?.(done);
    // Yield between batches so that a web server sharing the process keeps answering.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return done;
}

export const tasks: TaskDefinition[] = [
  {
    kind: 'search.embed',
    everyMs: 60_000,
    maxAttempts: 3,
    run: async (ctx) => {
      const n = await embedPending(ctx, { budgetMs: 50_000 });
      if (n) ctx.log.info({ embedded: n }, 'embedded papers');
    },
  },
  {
    // SQLite: keeps the index of the newest papers trimmed and complete (src/search/sqlite/recent-fts.ts).
    kind: 'search.maintain',
    everyMs: 10 * 60_000,
    run: async (ctx) => {
      const done = await searchIndexOf(ctx).maintain?.();
      if (done && Object.values(done).some((n) => n > 0)) ctx.log.info(done, 'search index maintained');
    },
  },
  {
    kind: 'search.prune-vectors',
    everyMs: 6 * 3_600_000,
    run: async (ctx) => {
      const n = await searchIndexOf(ctx).pruneVectors();
      if (n) ctx.log.info({ pruned: n }, 'pruned vectors of removed papers');
    },
  },
];
