// Commands: digest run.
import type { Command } from 'commander';

export function registerDigestCommands(_program: Command): void {}
