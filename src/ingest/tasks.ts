// Background tasks of this domain, run by the worker (src/worker): the incremental OAI-PMH harvest of
// the sets in PAPERBOY_HARVEST_SETS. arXiv announces once a day; running every 6 hours catches each
// announcement within hours, and a run with nothing new costs one request per set.
import type { TaskDefinition } from '../worker/worker.js';
import { dayOf } from '../clock.js';
import { getCursor } from '../store/ingest.js';
import { cursorSource, harvestOai } from './oai-harvester.js';

export const tasks: TaskDefinition[] = [
  {
    kind: 'ingest.harvest',
    everyMs: 6 * 3600_000,
    maxAttempts: 3,
    run: async (ctx, _payload, job) => {
      for (const set of ctx.config.PAPERBOY_HARVEST_SETS) {
        // The first scheduled harvest of a set starts yesterday; later ones continue from the cursor.
        const cursor = await getCursor(ctx.store.db, cursorSource('arXivRaw', set));
        const from = cursor ? undefined : dayOf(new Date(ctx.clock.now().getTime() - 86_400_000));
        const s = await harvestOai(ctx, { set, from, signal: job.signal });
        ctx.log.info({ set, pages: s.pages, inserted: s.inserted, updated: s.updated, problems: s.problems, cursor: s.datestamp }, 'arXiv harvest done');
      }
    },
  },
];
