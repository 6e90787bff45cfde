// Builds the AppContext for one CLI command from the environment, and closes it afterwards.
import { loadConfig, loadDotEnv } from '../config.js';
import { type AppContext, createContext } from '../context.js';
import { CliError } from './exit.js';

export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  await loadDotEnv();
  const ctx = await createContext(loadConfig());
  try {
    return await fn(ctx);
  } finally {
    await ctx.store.close();
  }
}

/** Reports a CliError as one line on stderr and sets the exit code; rethrows anything else. */
export function reportCliError(err: unknown): void {
  if (err instanceof CliError) {
    process.stderr.write(`paperboy: ${err.message}\n`);
    process.exitCode = err.exitCode;
    return;
  }
  throw err;
}
