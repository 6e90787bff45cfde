// Background tasks of this domain, run by the worker (src/worker): GitHub star counts. Each run asks
// about the repositories that are due, within the quota (10 a run without a token: 60 an hour).
import type { TaskDefinition } from '../worker/worker.js';
import { refreshGithub } from './github-refresh.js';

export const tasks: TaskDefinition[] = [
  {
    kind: 'github.refresh',
    everyMs: 10 * 60_000,
    maxAttempts: 3,
    run: async (ctx) => {
      const result = await refreshGithub(ctx);
      if (result.checked || result.discovered || result.pausedUntil) ctx.log.info(result, 'GitHub stars refreshed');
    },
  },
];
