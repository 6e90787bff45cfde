// Commands: serve (web + worker), worker (worker only), migrate.
import type { Command } from 'commander';
import { loadConfig, loadDotEnv } from '../config.js';
import { createContext } from '../context.js';
import { migrate } from '../store/db.js';
import { buildApp } from '../web/app.js';
import { Worker } from '../worker/worker.js';
import { allTasks } from '../worker/tasks.js';
import { loadDemoIfEmpty } from '../ingest/demo.js';
import { recomputeAll } from '../rank/recompute.js';
import { startMailServices } from '../mail/services.js';
import { withContext } from './context.js';

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('run the web server (and, unless --no-worker, the background worker) on HOST:PORT')
    .option('--no-worker', 'serve web requests only; run `paperboy worker` elsewhere')
    .option('-p, --port <port>', 'override PORT')
    .action(async (opts: { worker: boolean; port?: string }) => {
      await loadDotEnv();
      const config = loadConfig(opts.port ? { ...process.env, PORT: opts.port } : process.env);
      const ctx = await createContext(config);
      // Scored at once, so the demo's votes are on /trending from the first visit, not after the worker's first pass.
      if (config.PAPERBOY_DEMO && (await loadDemoIfEmpty(ctx))) await recomputeAll(ctx);
      const stopMail = await startMailServices(ctx);
      const app = await buildApp(ctx);
      const worker = opts.worker && config.PAPERBOY_WORKER ? new Worker(ctx, { tasks: allTasks }) : undefined;
      await app.listen({ port: config.PORT, host: config.HOST });
      worker?.start();
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.PORT;
      const url = config.PAPERBOY_BASE_URL || `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
      process.stdout.write(`paperboy is serving at ${url}/ (${config.databaseKind}${worker ? ', with worker' : ''})\n`);
      onShutdown(async () => {
        // Both at once: the web server stops accepting and finishes in-flight requests while the
        // worker finishes (or hands back) its job; only then do mail and the database close.
        await Promise.all([app.close(), worker?.stop()]);
        await stopMail();
        await ctx.store.close();
      });
    });

  program
    .command('worker')
    .description('run only the background worker (jobs: ingest, embeddings, GitHub, trending, digests)')
    .option('--once', 'run the due jobs, then exit')
    .action(async (opts: { once?: boolean }) => {
      await loadDotEnv();
      const ctx = await createContext(loadConfig());
      const worker = new Worker(ctx, { tasks: allTasks });
      if (opts.once) {
        const n = await worker.drain();
        process.stdout.write(`ran ${n} job(s)\n`);
        await ctx.store.close();
        return;
      }
      worker.start();
      ctx.log.info({ worker: worker.id }, 'worker started');
      onShutdown(async () => {
        await worker.stop();
        await ctx.store.close();
      });
    });

  program
    .command('migrate')
    .description('apply pending database migrations (serve does this at start too)')
    .action(() =>
      withContext(async (ctx) => {
        const applied = await migrate(ctx.store);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      }),
    );
}

/** Longest a graceful shutdown may take before the process exits anyway (systemd waits 90 s). */
const SHUTDOWN_DEADLINE_MS = 45_000;

function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) {
      // A second signal: the operator does not want to wait. Leases expire; the jobs are retried.
      process.stderr.write(`paperboy: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`paperboy: ${signal}, shutting down\n`);
    setTimeout(() => {
      process.stderr.write('paperboy: shutdown took too long, exiting\n');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    stop().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`paperboy: shutdown failed: ${err}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
