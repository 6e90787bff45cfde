// Commands: digest run, digest deliver, digest status, digest resume.
import type { Command } from 'commander';
import type { AppContext } from '../context.js';
import { runDigests } from '../mail/digest-run.js';
import { deliverOutbox } from '../mail/deliver.js';
import { startDevMailbox, type DevMailbox } from '../mail/dev-mailbox.js';
import { closeMailTransport, devMailboxMode } from '../mail/transport.js';
import { clearMailPause, getMailPause, outboxCounts } from '../store/outbox.js';
import { withContext, reportCliError } from './context.js';
import { CliError, EXIT } from './exit.js';

/** With no SMTP configured, mail goes to the development mailbox: `serve`'s if it runs, else our own. */
async function ensureMailbox(ctx: AppContext): Promise<DevMailbox | undefined> {
  if (!devMailboxMode(ctx)) return undefined;
  try {
    return await startDevMailbox(ctx.config.dataDir, ctx.config.PAPERBOY_DEV_SMTP_PORT);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') return undefined; // serve's mailbox is listening
    throw err;
  }
}

/** Runs `send` with the mail transport (and, in development, a mailbox) open; closes both after. */
async function withMailDelivery(ctx: AppContext, needsMailbox: boolean, send: () => Promise<string | undefined>): Promise<void> {
  const mailbox = needsMailbox ? await ensureMailbox(ctx) : undefined;
  try {
    const paused = await send();
    if (paused) throw new CliError(`delivery is paused: ${paused}`, EXIT.failure);
  } finally {
    closeMailTransport(ctx);
    await mailbox?.close();
  }
}

export function registerDigestCommands(program: Command): void {
  const digest = program.command('digest').description('email digests: compose, send, inspect');

  digest
    .command('run')
    .description('compose the due digests into the outbox and send them (what the worker does on its schedule)')
    .option('--period <period>', 'daily, weekly or all', 'all')
    .option('--dry-run', 'render the digests to files instead of recording and sending them')
    .option('--out <dir>', 'folder for --dry-run files (default: DATA_DIR/digest-dry-run)')
    .option('--force', "ignore each subscriber's hour and weekday: compose this period's digest now")
    .option('--compose-only', 'record the digests in the outbox, leave sending to the worker')
    .action(async (opts: { period: string; dryRun?: boolean; out?: string; force?: boolean; composeOnly?: boolean }) => {
      try {
        if (!['daily', 'weekly', 'all'].includes(opts.period)) throw new CliError('--period must be daily, weekly or all', EXIT.usage);
        await withContext(async (ctx) => {
          await withMailDelivery(ctx, !opts.dryRun && !opts.composeOnly, async () => {
            const report = await runDigests(ctx, {
              period: opts.period as 'daily' | 'weekly' | 'all',
              dryRun: opts.dryRun,
              outDir: opts.out,
              force: opts.force,
              composeOnly: opts.composeOnly,
            });
            const d = report.delivery;
            process.stdout.write(
              `subscribers considered ${report.considered}, not due ${report.notDue}, already done ${report.existing}, composed ${report.composed}, empty ${report.empty}` +
                (opts.dryRun ? `, files ${report.files} (${opts.out ?? 'DATA_DIR/digest-dry-run'})` : '') +
                (d ? `\nsent ${d.sent}, to retry ${d.retry}, failed ${d.failed}, skipped ${d.skipped}` : '') +
                '\n',
            );
            return report.paused;
          });
        });
      } catch (err) {
        reportCliError(err);
      }
    });

  digest
    .command('deliver')
    .description('send what is waiting in the outbox (retries, confirmations)')
    .action(async () => {
      try {
        await withContext(async (ctx) => {
          await withMailDelivery(ctx, true, async () => {
            const d = await deliverOutbox(ctx);
            process.stdout.write(`sent ${d.sent}, to retry ${d.retry}, failed ${d.failed}, skipped ${d.skipped}\n`);
            return d.paused;
          });
        });
      } catch (err) {
        reportCliError(err);
      }
    });

  digest
    .command('status')
    .description('outbox counts by state, and whether delivery is paused')
    .action(() =>
      withContext(async (ctx) => {
        const counts = await outboxCounts(ctx.store.db);
        const paused = await getMailPause(ctx.store.db);
        process.stdout.write(`${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'outbox is empty'}\n${paused ? `PAUSED: ${paused}\n` : 'delivery is running\n'}`);
      }),
    );

  digest
    .command('resume')
    .description('resume delivery after a pause (once the cause is fixed)')
    .action(() =>
      withContext(async (ctx) => {
        await clearMailPause(ctx.store.db);
        process.stdout.write('delivery resumed\n');
      }),
    );
}
