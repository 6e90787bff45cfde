// Commands: users add, users list.
import type { Command } from 'commander';

export function registerUserCommands(_program: Command): void {}
