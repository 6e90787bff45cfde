// Commands: migrate-data (copy an embedded SQLite instance into PostgreSQL).
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { openStore, type Store } from '../store/db.js';
import { copySqliteToPostgres, countTables, type TableCount } from '../store/copy.js';
import { CliError, EXIT } from './exit.js';
import { reportCliError } from './context.js';

export function registerDataCommands(program: Command): void {
  program
    .command('migrate-data')
    .description('copy an embedded instance into PostgreSQL (resumable: run it again after an interruption)')
    .requiredOption('--from <sqlite:PATH>', 'the SQLite database, e.g. sqlite:./data/paperboy.db')
    .requiredOption('--to <postgres://…>', 'the PostgreSQL database (created beforehand, may be empty)')
    .option('--batch <rows>', 'rows per transaction', '1000')
    .option('--verify', 'only compare the row counts of both sides')
    .action(async (opts: { from: string; to: string; batch: string; verify?: boolean }) => {
      try {
        await migrateData(opts);
      } catch (err) {
        reportCliError(err);
      }
    });
}

async function migrateData(opts: { from: string; to: string; batch: string; verify?: boolean }): Promise<void> {
  const from = opts.from.replace(/^sqlite:/, '');
  if (!from || /^postgres(ql)?:\/\//.test(from)) throw new CliError('--from must be an SQLite file, e.g. sqlite:./data/paperboy.db', EXIT.usage);
  if (!/^postgres(ql)?:\/\//.test(opts.to)) throw new CliError('--to must be a postgres:// URL', EXIT.usage);
  if (!existsSync(from)) throw new CliError(`no SQLite database at ${from}`, EXIT.notFound);
  const batchSize = Number(opts.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) throw new CliError('--batch must be a whole number from 1 to 50000', EXIT.usage);

  // Both sides are brought to the current schema first, as `paperboy serve` would do at start.
  let source: Store | undefined;
  let target: Store | undefined;
  try {
    source = await openStore({ kind: 'sqlite', location: from });
    target = await openStore({ kind: 'postgres', location: opts.to, poolSize: 2 });
    if (opts.verify) {
      const counts = await countTables(source, target);
      printCounts(counts);
      if (counts.some((c) => c.target < c.source)) throw new CliError('the target holds fewer rows than the source', EXIT.problems);
      return;
    }
    const bar = new cliProgress.SingleBar(
      { format: '{table} |{bar}| {value}/{total} rows | {eta_formatted} left', hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    let current = '';
    const report = await copySqliteToPostgres(source, target, {
      batchSize,
      onProgress: ({ table, done, total }) => {
        if (table !== current) {
          if (current) bar.stop();
          current = table;
          bar.start(total, done, { table: table.padEnd(18) });
        } else bar.update(done);
      },
    });
    if (current) bar.stop();
    printCounts(report.tables);
    process.stdout.write(`copied ${report.copied} row(s) now; the search index fills itself on PostgreSQL (embeddings are copied; run \`paperboy search reindex\` if a model changed)\n`);
    if (report.missing.length) throw new CliError(`the target holds fewer rows than the source in: ${report.missing.join(', ')}`, EXIT.problems);
  } finally {
    await source?.close();
    await target?.close();
  }
}

function printCounts(counts: TableCount[]): void {
  const width = Math.max(5, ...counts.map((c) => c.table.length));
  process.stdout.write(`${'table'.padEnd(width)}  ${'sqlite'.padStart(10)}  ${'postgres'.padStart(10)}\n`);
  for (const c of counts) {
    const mark = c.target < c.source ? '  MISSING' : '';
    process.stdout.write(`${c.table.padEnd(width)}  ${String(c.source).padStart(10)}  ${String(c.target).padStart(10)}${mark}\n`);
  }
}
