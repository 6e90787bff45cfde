// Shared test fixtures: a fresh real SQLite database per test, a manual clock, the shared fixtures path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { testConfig } from '../src/config.js';
import { ManualClock } from '../src/clock.js';
import type { AppContext } from '../src/context.js';
import { openStore } from '../src/store/db.js';
import { Signer } from '../src/signing.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The read-only shared fixtures (recorded arXiv answers, reference page, relevance judgments). */
export const fixtures = path.resolve(here, '..', '..', 'shared', 'fixtures');

export interface TestContext extends AppContext {
  clock: ManualClock;
  dir: string;
  cleanup(): Promise<void>;
}

/** A context over a new SQLite file in a temporary folder, migrated, with a manual clock. */
export async function makeTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-test-'));
  const config = testConfig({ PAPERBOY_DATA_DIR: dir, DATABASE_URL: path.join(dir, 'test.db'), PAPERBOY_SECRET: 'test-secret', ...env });
  const store = await openStore({ kind: 'sqlite', location: config.sqlitePath });
  const clock = new ManualClock(Date.parse('2026-11-20T12:00:00Z'));
  return {
    config,
    store,
    log: pino({ level: 'silent' }),
    clock,
    signer: new Signer(['test-secret']),
    dir,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
