// Helpers for the PostgreSQL tests: more than one context (process role) over one test database.
import pino from 'pino';
import { testConfig } from '../../src/config.js';
import { ManualClock } from '../../src/clock.js';
import type { AppContext } from '../../src/context.js';
import { openStore } from '../../src/store/db.js';
import { Signer } from '../../src/signing.js';

/** An AppContext over an existing database, as one more process would have it. */
export async function contextOn(url: string, opts: { clock?: ManualClock; poolSize?: number; migrate?: boolean } = {}): Promise<AppContext & { clock: ManualClock }> {
  const config = testConfig({ DATABASE_URL: url, PAPERBOY_SECRET: 'test-secret' });
  const store = await openStore({ kind: 'postgres', location: url, poolSize: opts.poolSize ?? 3, migrate: opts.migrate });
  return {
    config,
    store,
    log: pino({ level: 'silent' }),
    clock: opts.clock ?? new ManualClock(Date.parse('2026-11-20T12:00:00Z')),
    signer: new Signer(['test-secret']),
  };
}
