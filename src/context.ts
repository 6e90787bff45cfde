// What every part of paperboy is handed: configuration, the store, a logger, a clock, the signer.
// Built once per process by the CLI (or by a test with its own database and clock).
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { type Clock, systemClock } from './clock.js';
import { openStore, type Store } from './store/db.js';
import { loadSecrets, Signer } from './signing.js';
import { repairFtsBulk } from './search/sqlite/fts-bulk.js';

export interface AppContext {
  readonly config: Readonly<Config>;
  readonly store: Store;
  readonly log: Logger;
  readonly clock: Clock;
  readonly signer: Signer;
}

export interface ContextOptions {
  clock?: Clock;
  log?: Logger;
  store?: Store;
}

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    // Secrets never reach the logs, whichever object carries them.
    redact: {
      paths: ['*.password', '*.pass', '*.token', '*.secret', '*.key', 'req.headers.cookie', 'req.headers.authorization', '*.PAPERBOY_SECRET', '*.PAPERBOY_SMTP_URL', '*.PAPERBOY_GITHUB_TOKEN', '*.PAPERBOY_EMBEDDINGS_KEY'],
      censor: '[redacted]',
    },
  });
}

export async function createContext(config: Readonly<Config>, options: ContextOptions = {}): Promise<AppContext> {
  const log = options.log ?? createLogger(config);
  const store =
    options.store ??
    (await openStore({
      kind: config.databaseKind,
      location: config.databaseKind === 'postgres' ? config.DATABASE_URL : config.sqlitePath,
      poolSize: config.PAPERBOY_DB_POOL_SIZE,
    }));
  if (!options.store && store.sqlite) {
    // A bulk import killed mid-way left the full-text index behind the papers: finish it before serving.
    const repaired = repairFtsBulk(store.sqlite);
    if (repaired.restored) log.warn({ indexed: repaired.indexed }, 'finished the full-text indexing of an interrupted bulk import');
  }
  const signer = new Signer(loadSecrets(config.PAPERBOY_SECRET, config.dataDir));
  return { config, store, log, clock: options.clock ?? systemClock, signer };
}
