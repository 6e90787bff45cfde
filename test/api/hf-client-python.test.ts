// The huggingface_hub contract from Python's standard library (hf-client-urllib.py): Python's own json
// and the client's strptime format read paperboy's answers over a real socket. Skipped, saying so,
// where there is no python3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { makeTestContext } from '../helpers.js';
import { buildApp } from '../../src/web/app.js';
import { insertComment } from '../../src/store/comments.js';
import { refreshPaperCounters } from '../../src/store/papers.js';
import { seed } from './seed.js';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'hf-client-urllib.py');
const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : undefined;

test('huggingface_hub\'s requests and PaperInfo reading, replayed with Python urllib + json', { skip: python ? false : 'no python3 on this machine' }, async () => {
  const ctx = await makeTestContext();
  const { alice, bob } = await seed(ctx);
  const now = ctx.clock.now().toISOString();
  for (const user of [bob, alice]) await insertComment(ctx.store.db, { paperId: '2611.00001', userId: user.id, parentId: null, body: 'A comment.', now });
  await refreshPaperCounters(ctx.store.db, '2611.00001', now);
  const app = await buildApp(ctx);
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    // Asynchronous: the server answers on this event loop while Python waits for it.
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(python!, [script, base], { env: { PATH: process.env.PATH ?? '', PYTHONIOENCODING: 'utf-8' } });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
    assert.equal(code, 0, output);
    assert.equal((output.match(/^ok /gm) ?? []).length, 5, output);
  } finally {
    await app.close();
    await ctx.cleanup();
  }
});
