// Commands: ingest arxiv, ingest ids, import kaggle, import demo, papers show.
import type { Command } from 'commander';

export function registerIngestCommands(_program: Command): void {}
