// Background tasks of this domain, run by the worker (src/worker): the periodic full pass that
// applies time decay to every score and catches anything the incremental updates missed.
import type { TaskDefinition } from '../worker/worker.js';
import { recomputeAll } from './recompute.js';

export const tasks: TaskDefinition[] = [
  {
    kind: 'trending.recompute',
    everyMs: 10 * 60_000,
    maxAttempts: 3,
    run: async (ctx) => {
      await recomputeAll(ctx);
    },
  },
];
