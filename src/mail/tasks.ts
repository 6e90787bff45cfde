// Background tasks of this domain, run by the worker (src/worker): the digest scheduler (the same
// run as `paperboy digest run`), the outbox sender for retries and confirmation mails that could not
// go out at once, and the expiry of unconfirmed subscribe requests.
import type { TaskDefinition } from '../worker/worker.js';
import { expirePendingSubscribers } from '../store/subscribers.js';
import { runDigests } from './digest-run.js';
import { deliverOutbox } from './deliver.js';

export const tasks: TaskDefinition[] = [
  {
    kind: 'mail.digests',
    everyMs: 5 * 60_000,
    maxAttempts: 1,
    async run(ctx) {
      const report = await runDigests(ctx, { period: 'all' });
      if (report.paused) ctx.log.warn({ reason: report.paused }, 'digest delivery is paused');
      else if (report.composed || report.delivery?.sent) ctx.log.info({ ...report }, 'digest run');
    },
  },
  {
    kind: 'mail.outbox',
    everyMs: 30_000,
    maxAttempts: 1,
    async run(ctx) {
      const report = await deliverOutbox(ctx);
      if (report.sent || report.failed) ctx.log.info({ ...report }, 'outbox delivered');
    },
  },
  {
    kind: 'mail.expire',
    everyMs: 3_600_000,
    async run(ctx) {
      const n = await expirePendingSubscribers(ctx.store.db, ctx.clock.now().toISOString());
      if (n) ctx.log.info({ expired: n }, 'unconfirmed subscribe requests expired');
    },
  },
];
