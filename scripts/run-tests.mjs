// Runs the test files with Node's own test runner through tsx.
//   node scripts/run-tests.mjs          every test: unit (src/**/*.test.ts), integration and browser (test/**)
//   node scripts/run-tests.mjs unit     all but the browser tests
//   node scripts/run-tests.mjs e2e      only the browser tests (test/e2e)
//   node scripts/run-tests.mjs FILE...  just those files
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const mode = ['unit', 'e2e'].includes(args[0]) ? args.shift() : 'all';

function find(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(find(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

let files = args.length ? args : [...find('src'), ...find('test')].sort();
if (!args.length && mode === 'unit') files = files.filter((f) => !f.includes(`test${path.sep}e2e${path.sep}`));
if (!args.length && mode === 'e2e') files = files.filter((f) => f.includes(`test${path.sep}e2e${path.sep}`));

const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
process.exit(result.status ?? 1);
