// `npm run bench -- NAME [options]`: runs bench/NAME.ts, which prints its own figures.
// `search --db postgres` and `web --db postgres` are the PostgreSQL benchmark's parts of the same name
// (bench/postgres.ts, its store kept between runs; --n as given, 1,000,000 by default).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'eval.ts', 'seed.ts'].includes(f) && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${available.join('|')}> [options]\n`);
  process.exit(2);
}
const db = rest.indexOf('--db');
const onPostgres = (name === 'search' || name === 'web') && rest[db + 1] === 'postgres';
const script = onPostgres ? 'postgres' : name;
const options = onPostgres ? ['--keep', '--part', name, ...(rest.includes('--n') ? [] : ['--n', '1000000']), ...rest.filter((_, i) => i !== db && i !== db + 1)] : rest;
process.argv = [process.argv[0], path.join(here, `${script}.ts`), ...options];
await import(`./${script}.ts`);
