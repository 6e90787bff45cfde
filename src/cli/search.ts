// Commands: search QUERY, search reindex, search stats, embed [--all].
import type { Command } from 'commander';
import { embedderOf } from '../search/embedder.js';
import { searchIndexOf } from '../search/index.js';
import { coverage, searchPapers, type SearchMode, type SearchSort } from '../search/search.js';
import { embedPending } from '../search/tasks.js';
import { withContext, reportCliError } from './context.js';
import { CliError, EXIT } from './exit.js';

const MODES = ['hybrid', 'keyword', 'semantic'];
const SORTS = ['relevance', 'date', 'trending'];

export function registerSearchCommands(program: Command): void {
  program
    .command('search')
    .description('search papers (`search reindex` rebuilds the full-text index, `search stats` shows index sizes and vector coverage)')
    .argument('<query...>', 'the query, in the same language as the search box')
    .option('--mode <mode>', MODES.join(' | '), 'hybrid')
    .option('--sort <sort>', SORTS.join(' | '), 'relevance')
    .option('--limit <n>', 'number of results', '20')
    .option('--json', 'one JSON object per line')
    .action((words: string[], opts: { mode: string; sort: string; limit: string; json?: boolean }) =>
      withContext(async (ctx) => {
        if (words.length === 1 && words[0] === 'reindex') {
          const t = Date.now();
          await searchIndexOf(ctx).rebuild();
          process.stdout.write(`full-text index rebuilt in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
          return;
        }
        if (words.length === 1 && words[0] === 'stats') {
          const sizes = await searchIndexOf(ctx).sizes();
          for (const [k, v] of Object.entries(sizes)) process.stdout.write(`${k}\t${(v / 1_048_576).toFixed(1)} MiB\n`);
          const e = embedderOf(ctx);
          if (e) {
            const c = await coverage(ctx, e.name);
            process.stdout.write(`vectors (${e.name})\t${c.embedded} of ${c.total} papers\n`);
          } else process.stdout.write('vectors\tembedder off (PAPERBOY_EMBEDDER=none)\n');
          return;
        }
        if (!MODES.includes(opts.mode)) throw new CliError(`--mode must be one of ${MODES.join(', ')}`, EXIT.usage);
        if (!SORTS.includes(opts.sort)) throw new CliError(`--sort must be one of ${SORTS.join(', ')}`, EXIT.usage);
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new CliError('--limit must be 1..200', EXIT.usage);
        const r = await searchPapers(ctx, words.join(' '), { limit, mode: opts.mode as SearchMode, sort: opts.sort as SearchSort, noHighlights: true, waitForModel: true });
        if (r.notice && !opts.json) process.stderr.write(`${r.notice}\n`);
        for (const h of r.hits) {
          process.stdout.write(
            opts.json
              ? `${JSON.stringify({ id: h.paper.id, title: h.paper.title, score: h.score, published: h.paper.publishedAt })}\n`
              : `${h.paper.id}\t${h.paper.publishedAt.slice(0, 10)}\t${h.paper.title}\n`,
          );
        }
        if (!opts.json) process.stderr.write(`${r.capped ? 'more than ' : ''}${r.total} papers (${r.mode})\n`);
        if (!r.hits.length) process.exitCode = EXIT.notFound;
      }).catch(reportCliError),
    );

  program
    .command('embed')
    .description('compute missing embeddings now (the worker also does this in the background, resumably)')
    .option('--all', 'embed every pending paper (default: one batch of --limit)')
    .option('--limit <n>', 'papers to embed without --all', '256')
    .option('--batch <n>', 'papers per model call', '32')
    .action((opts: { all?: boolean; limit: string; batch: string }) =>
      withContext(async (ctx) => {
        const embedder = embedderOf(ctx);
        if (!embedder) throw new CliError('no embedder configured (PAPERBOY_EMBEDDER=none, or openai without URL and model)', EXIT.usage);
        const batch = Number(opts.batch);
        const limit = Number(opts.limit);
        if (!Number.isInteger(batch) || batch < 1 || batch > 1024) throw new CliError('--batch must be 1..1024', EXIT.usage);
        if (!Number.isInteger(limit) || limit < 1) throw new CliError('--limit must be a positive integer', EXIT.usage);
        const t = Date.now();
        const done = await embedPending(ctx, {
          batch,
          maxBatches: opts.all ? undefined : Math.ceil(limit / batch),
          onProgress: (n) => process.stderr.write(`\r${n} embedded (${(n / ((Date.now() - t) / 1000)).toFixed(1)}/s)`),
        });
        const c = await searchIndexOf(ctx).vectorCoverage({ name: embedder.name, dims: 0 });
        process.stderr.write('\n');
        process.stdout.write(`${done} papers embedded with ${embedder.name}; ${c.embedded} of ${c.total} have vectors\n`);
      }).catch(reportCliError),
    );
}
