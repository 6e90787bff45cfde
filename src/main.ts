// The one command line: `paperboy <command>`. Each domain registers its own commands in src/cli/.
import { Command, CommanderError } from 'commander';
import { ConfigError } from './config.js';
import { EXIT } from './cli/exit.js';
import { registerServeCommands } from './cli/serve.js';
import { registerIngestCommands } from './cli/ingest.js';
import { registerUserCommands } from './cli/users.js';
import { registerDigestCommands } from './cli/digest.js';
import { registerSearchCommands } from './cli/search.js';
import { registerTrendingCommands } from './cli/trending.js';
import { registerDataCommands } from './cli/data.js';

const program = new Command('paperboy')
  .description('A self-hostable service for keeping up with research papers.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

for (const register of [
  registerServeCommands,
  registerIngestCommands,
  registerUserCommands,
  registerDigestCommands,
  registerSearchCommands,
  registerTrendingCommands,
  registerDataCommands,
]) {
  register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; wrong usage exits 2, as scripts expect.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (err instanceof ConfigError) {
    process.stderr.write(`paperboy: ${err.message}\n`);
    process.exitCode = EXIT.usage;
  } else {
    process.stderr.write(`paperboy: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT.failure;
  }
}
