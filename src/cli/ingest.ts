// Commands: ingest arxiv, ingest ids, import kaggle, import demo, papers show.
// Exit codes (src/cli/exit.ts): 0 done; 1 failure (network, database); 2 bad usage; 3 finished but
// skipped bad records, or --strict stopped at the first; 4 unknown paper.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { lookupArxivIds } from '../ingest/atom-client.js';
import { loadDemo } from '../ingest/demo.js';
import { harvestOai, type HarvestSummary } from '../ingest/oai-harvester.js';
import { importKaggleFile, type ImportSummary } from '../ingest/kaggle.js';
import { parseArxivId } from '../ingest/arxiv-id.js';
import { BatchWriter } from '../ingest/writer.js';
import { getPaper } from '../store/papers.js';
import { reportCliError, withContext } from './context.js';
import { CliError, EXIT } from './exit.js';

/** Domain errors become one line and the exit code scripts expect. */
function asCliError(err: unknown): unknown {
  if (!(err instanceof AppError)) return err;
  const code = err.code === 'bad_request' ? EXIT.usage : err.code === 'not_found' ? EXIT.notFound : EXIT.failure;
  return new CliError(err.message, code);
}

const run = (fn: (ctx: AppContext) => Promise<void>) =>
  withContext(async (ctx) => {
    try {
      await fn(ctx);
    } catch (err) {
      throw asCliError(err);
    }
  }).catch(reportCliError);

function positiveInt(value: string, name: string, max = 1_000_000): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`${name} must be an integer from 1 to ${max}`, EXIT.usage);
  return n;
}

function printProblems(problems: Array<{ location: string; message: string }>, total: number): void {
  for (const p of problems.slice(0, 10)) process.stderr.write(`  ${p.location}: ${p.message}\n`);
  if (total > 10) process.stderr.write(`  ... ${total - 10} more (paperboy keeps the first 1000 in ingest_problems)\n`);
}

function finish(summary: { problems: number; stoppedAt?: { location: string; message: string }; firstProblems: Array<{ location: string; message: string }> }): void {
  if (summary.stoppedAt) {
    process.stderr.write(`paperboy: stopped (--strict) at ${summary.stoppedAt.location}: ${summary.stoppedAt.message}\n`);
    process.exitCode = EXIT.problems;
  } else if (summary.problems) {
    printProblems(summary.firstProblems, summary.problems);
    process.exitCode = EXIT.problems;
  }
}

const tallyLine = (s: { read: number; inserted: number; updated: number; unchanged: number; problems: number }) =>
  `${s.read} records: ${s.inserted} new, ${s.updated} updated, ${s.unchanged} unchanged, ${s.problems} skipped as bad`;

export function registerIngestCommands(program: Command): void {
  const ingest = program.command('ingest').description('bring papers in from arXiv (OAI-PMH harvest, or ids through the Atom API)');

  ingest
    .command('arxiv')
    .description('harvest arXiv metadata over OAI-PMH, incrementally: the stored cursor makes the next run fetch only what changed')
    .option('--set <set>', 'OAI set: cs, math, physics:hep-th, ... (default: all of arXiv)')
    .option('--from <day>', 'YYYY-MM-DD; default: the cursor of the last harvest of this set (required the first time)')
    .option('--until <day>', 'YYYY-MM-DD, inclusive')
    .option('--format <format>', 'arXivRaw (version history) or arXiv', 'arXivRaw')
    .option('--strict', 'stop at the first bad record (exit 3)')
    .action((opts: { set?: string; from?: string; until?: string; format: string; strict?: boolean }) =>
      run(async (ctx) => {
        if (opts.format !== 'arXiv' && opts.format !== 'arXivRaw') throw new CliError('--format must be arXiv or arXivRaw', EXIT.usage);
        const onPage = process.stderr.isTTY
          ? (s: HarvestSummary) => process.stderr.write(`\rpage ${s.pages}: ${tallyLine(s)}`)
          : undefined;
        const s = await harvestOai(ctx, { set: opts.set, from: opts.from, until: opts.until, format: opts.format, strict: opts.strict, onPage });
        if (onPage) process.stderr.write('\n');
        const what = `${opts.set ?? 'all of arXiv'} from ${s.from}${s.resumed ? ' (resumed)' : ''}`;
        if (s.nothingNew) process.stdout.write(`nothing new in ${what}; cursor at ${s.datestamp}\n`);
        else
          process.stdout.write(
            `harvested ${what}: ${s.pages} pages, ${tallyLine(s)}${s.deleted ? `, ${s.deleted} deleted` : ''}${s.restarts ? `, restarted ${s.restarts}x after an expired token` : ''}; cursor at ${s.datestamp}\n`,
          );
        finish(s);
      }),
    );

  ingest
    .command('ids')
    .description('fetch papers by arXiv id through the Atom API (ids, arXiv:ids, abs/pdf URLs; a version pins it)')
    .argument('<ids...>', 'e.g. 2401.01234 hep-th/9901001v2 https://arxiv.org/abs/1706.03762')
    .action((ids: string[]) =>
      run(async (ctx) => {
        const bad = ids.filter((i) => !parseArxivId(i));
        if (bad.length) throw new CliError(`not an arXiv id: ${bad.join(', ')}`, EXIT.usage);
        const r = await lookupArxivIds(ctx, ids);
        const writer = new BatchWriter(ctx);
        for (const p of r.papers) await writer.add(p);
        for (const p of r.problems) writer.problem({ source: ctx.config.PAPERBOY_ARXIV_API_URL, ...p });
        await writer.flush();
        for (const p of r.papers) process.stdout.write(`${p.id}v${p.version}\t${p.title}\n`);
        process.stderr.write(`${tallyLine(writer.tally)}${r.missing.length ? `; unknown to arXiv: ${r.missing.join(', ')}` : ''}\n`);
        if (r.problems.length) {
          printProblems(r.problems, r.problems.length);
          process.exitCode = EXIT.problems;
        } else if (r.missing.length) process.exitCode = EXIT.notFound;
      }),
    );

  const imp = program.command('import').description('import papers from files (the Kaggle arXiv snapshot) or the bundled demo corpus');

  imp
    .command('kaggle')
    .description('import the Kaggle arXiv snapshot (JSON lines, plain or .gz), streamed in batched transactions; re-running resumes without duplicates')
    .argument('<file>', 'arxiv-metadata-oai-snapshot.json[.gz]')
    .option('--strict', 'stop at the first bad line (exit 3); lines before it are kept')
    .option('--batch <n>', 'records per transaction', '5000')
    .option('--bulk', 'bulk mode: suspend full-text indexing while inserting, index the new papers once at the end (default for files of 64 MB or more)')
    .option('--no-bulk', 'index every paper as it is inserted (searchable batch by batch while the import runs)')
    .option('--thread', 'read and parse the file in a second thread while this one writes (default for files of 64 MB or more)')
    .option('--no-thread', 'read and parse in the writing thread (one core, about 50 MB less memory)')
    .action((file: string, opts: { strict?: boolean; batch: string; bulk?: boolean; thread?: boolean }) =>
      run(async (ctx) => {
        const batchSize = positiveInt(opts.batch, '--batch', 100_000);
        if (!existsSync(file)) throw new CliError(`no such file: ${file}`, EXIT.usage);
        const bar = process.stderr.isTTY
          ? new cliProgress.SingleBar(
              { format: '{bar} {percentage}% | {records} records | {rate} rec/s | ETA {eta_formatted}', stream: process.stderr, hideCursor: true, etaBuffer: 50 },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
        const started = Date.now();
        let barStarted = false;
        const summary: ImportSummary = await importKaggleFile(ctx, file, {
          strict: opts.strict,
          batchSize,
          bulk: opts.bulk,
          readerThread: opts.thread,
          onIndexProgress: (indexed) => {
            if (bar && barStarted && indexed === 0) {
              bar.stop();
              barStarted = false;
              process.stderr.write('indexing the new papers for search...\n');
            }
          },
          onProgress: (tally, read) => {
            if (!bar) return;
            const payload = { records: tally.read, rate: Math.round(tally.read / Math.max(0.001, (Date.now() - started) / 1000)) };
            // Progress is measured in bytes of the file (compressed bytes for .gz), which is what ETA needs.
            if (!barStarted) {
              bar.start(Math.max(1, read.totalBytes), read.bytesRead, payload);
              barStarted = true;
            } else bar.update(read.bytesRead, payload);
          },
        });
        if (bar && barStarted) bar.stop();
        const rate = Math.round(summary.read / Math.max(0.001, summary.seconds));
        process.stdout.write(`imported ${file}: ${tallyLine(summary)} in ${summary.seconds.toFixed(1)} s (${rate} records/s)\n`);
        if (summary.bulk) process.stdout.write(`bulk mode: the full-text index caught up in ${summary.indexSeconds.toFixed(1)} s of that\n`);
        finish(summary);
      }),
    );

  imp
    .command('demo')
    .description('load the bundled demo corpus (today\'s list of 61 papers, earlier lists of real arXiv records, demo members and upvotes)')
    .action(() =>
      run(async (ctx) => {
        const s = await loadDemo(ctx);
        process.stdout.write(`demo corpus: ${s.papers} papers on ${s.lists} daily lists, ${s.upvotes} upvotes\n`);
      }),
    );

  const papers = program.command('papers').description('look at stored papers');
  papers
    .command('show')
    .description('show one paper (exit 4 when it is not in the store)')
    .argument('<id>', 'arXiv id (any pasted form) or a stored non-arXiv id')
    .option('--json', 'the stored paper as JSON')
    .action((id: string, opts: { json?: boolean }) =>
      run(async (ctx) => {
        const canonical = parseArxivId(id)?.id ?? id.trim();
        const p = await getPaper(ctx.store.db, canonical);
        if (!p) throw new CliError(`no paper ${canonical} in the store (fetch it with: paperboy ingest ids ${canonical})`, EXIT.notFound);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(p, null, 2)}\n`);
          return;
        }
        const lines = [
          `${p.id}v${p.version}  ${p.title}`,
          `authors:    ${p.authors.join(', ')}`,
          `categories: ${p.categories.join(' ')}`,
          `published:  ${p.publishedAt}   updated: ${p.updatedAt}`,
          p.comments && `comments:   ${p.comments}`,
          p.journalRef && `journal:    ${p.journalRef}`,
          p.doi && `doi:        ${p.doi}`,
          p.license && `license:    ${p.license}`,
          p.links.abs && `abs:        ${p.links.abs}`,
          p.links.pdf && `pdf:        ${p.links.pdf}`,
          p.links.code?.length ? `code:       ${p.links.code.join(' ')}` : null,
          p.links.project && `project:    ${p.links.project}`,
          `upvotes:    ${p.upvotes}   comments: ${p.numComments}   source: ${p.source}`,
          '',
          p.abstract,
        ].filter((l) => typeof l === 'string');
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
