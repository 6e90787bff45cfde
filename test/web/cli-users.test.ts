// `paperboy users add/list`: how the first admin is created, through the real command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'paperboy.mjs');

test('users add creates an admin, changes roles, lists accounts; bad input exits 2', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-cli-users-'));
  const env = { ...process.env, PAPERBOY_DATA_DIR: dir, DATABASE_URL: path.join(dir, 'db.sqlite'), PAPERBOY_DEMO: 'false', LOG_LEVEL: 'silent' };
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
  try {
    const add = run('users', 'add', 'Root@Example.org', '--role', 'admin');
    assert.equal(add.status, 0, add.stderr);
    assert.equal(add.stdout, 'root@example.org (@root) is admin\n');
    assert.equal(run('users', 'add', 'root@example.org', '--role', 'curator').stdout, 'root@example.org (@root) is curator\n');
    const list = run('users', 'list', '--json');
    assert.equal(list.status, 0);
    assert.deepEqual(
      list.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((u) => [u.email, u.role]),
      [['root@example.org', 'curator']],
    );
    const badRole = run('users', 'add', 'x@example.org', '--role', 'god');
    assert.equal(badRole.status, 2);
    assert.match(badRole.stderr, /--role must be one of member, curator, admin/);
    const badEmail = run('users', 'add', 'not-an-address');
    assert.equal(badEmail.status, 2);
    assert.match(badEmail.stderr, /does not look like an e-mail address/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
