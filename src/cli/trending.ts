// Commands: trending recompute, github refresh.
import type { Command } from 'commander';

export function registerTrendingCommands(_program: Command): void {}
