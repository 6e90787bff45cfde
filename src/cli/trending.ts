// Commands: trending recompute, github refresh.
// Exit codes (src/cli/exit.ts): 0 done; 1 failure; 2 bad usage; 3 the GitHub refresh stopped at a
// rate limit or met unusable answers (it will resume on its own).
import type { Command } from 'commander';
import { recomputeAll } from '../rank/recompute.js';
import { refreshGithub } from '../signals/github-refresh.js';
import { reportCliError, withContext } from './context.js';
import { CliError, EXIT } from './exit.js';

export function registerTrendingCommands(program: Command): void {
  const trending = program.command('trending').description('the trending ranking');
  trending
    .command('recompute')
    .description('recompute every paper’s trending score now (the worker does this every 10 minutes)')
    .action(() =>
      withContext(async (ctx) => {
        const r = await recomputeAll(ctx);
        process.stdout.write(`${r.papers} papers scored from ${r.votes} upvotes in ${(r.ms / 1000).toFixed(1)} s\n`);
      }).catch(reportCliError),
    );

  const github = program.command('github').description('GitHub star counts of papers’ code repositories');
  github
    .command('refresh')
    .description('ask GitHub about the repositories that are due (uses PAPERBOY_GITHUB_TOKEN when set)')
    .option('--limit <n>', 'most repositories to ask about', '50')
    .action((opts: { limit: string }) =>
      withContext(async (ctx) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new CliError('--limit must be an integer from 1 to 5000', EXIT.usage);
        const r = await refreshGithub(ctx, { limit });
        process.stdout.write(
          `${r.discovered} new repositories; ${r.checked} checked: ${r.updated} updated, ${r.notModified} unchanged, ${r.notFound} not found, ${r.errors} errors\n`,
        );
        if (r.pausedUntil) {
          process.stderr.write(`paperboy: GitHub rate limit reached; refreshing resumes after ${r.pausedUntil}\n`);
          process.exitCode = EXIT.problems;
        } else if (r.errors) process.exitCode = EXIT.problems;
      }).catch(reportCliError),
    );
}
