// The ingest commands as scripts use them: `node bin/paperboy.mjs ...` in a fresh data folder, with
// arXiv pointed at a local replay server; the exit codes are what scripts rely on (src/cli/exit.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../src/cli/exit.js';
import { generateKaggleRecords } from '../../bench/generate.js';
import { fixtures } from '../helpers.js';
import { killImportAfter } from './kill-import.js';
import { atomRecording, recorded, startReplay } from './replay.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function paperboy(args: string[], env: Record<string, string>): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PAPERBOY_') && k !== 'DATABASE_URL' && k !== 'NODE_TEST_CONTEXT'));
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/paperboy.mjs', ...args], { cwd: root, env: { ...clean, LOG_LEVEL: 'silent', PAPERBOY_DEMO: 'false', ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      if (process.env.PB_TIMING) process.stderr.write(`${args.join(' ')}: ${Date.now() - started} ms\n`);
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('ingest, import and papers show: exit codes and output', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-cli-'));
  let oaiCalls = 0;
  const oai = await startReplay((q) => {
    oaiCalls++;
    if (q.get('set') === 'broken') return { status: 500, body: 'Internal Server Error' };
    if (q.get('from') === '2014-10-01') return { body: recorded('arxiv-oai/mikesaelim/ListRecordsResponse.xml').replace(/<resumptionToken[^>]*>[^<]*<\/resumptionToken>/, '') };
    return { body: recorded('arxiv-oai/mikesaelim/ErrorResponseNoRecordsMatch.xml') };
  });
  const one = atomRecording('id_1605.08386_s0_m100_199195aa31ad.json');
  const empty = atomRecording('id_0808.05394_s0_m100_7b0c7d0a7cdd.json');
  const api = await startReplay((q) => (q.get('id_list') === '1605.08386' ? one : empty));
  const env = { PAPERBOY_DATA_DIR: dir, PAPERBOY_ARXIV_OAI_URL: oai.url, PAPERBOY_ARXIV_API_URL: api.url, PAPERBOY_ARXIV_DELAY_MS: '0', PAPERBOY_HTTP_TIMEOUT_MS: '5000' };
  try {
    const broken = path.join(dir, 'broken.jsonl');
    const lines = readFileSync(path.join(fixtures, 'kaggle/arxiv-metadata-oai-snapshot.head200.jsonl'), 'utf8').split('\n').slice(0, 3);
    writeFileSync(broken, `${lines[0]}\n{"id": "0704.0100", "title": \n${lines[1]}\n${lines[2]}\n`);

    // The first command creates and migrates the store; independent ones then run side by side.
    const missing = await paperboy(['papers', 'show', '2401.01234'], env);
    const [usage, firstHarvest] = await Promise.all([
      paperboy(['import', 'kaggle', path.join(dir, 'nope.jsonl')], env),
      paperboy(['ingest', 'arxiv', '--set', 'cs'], env),
    ]);
    assert.equal(missing.code, EXIT.notFound, missing.stderr);
    assert.match(missing.stderr, /no paper 2401\.01234 in the store/);
    assert.equal(usage.code, EXIT.usage, usage.stderr);
    assert.match(usage.stderr, /no such file/);
    assert.equal(firstHarvest.code, EXIT.usage, 'the first harvest of a set needs --from');
    assert.match(firstHarvest.stderr, /give --from/);

    const strict = await paperboy(['import', 'kaggle', broken, '--strict'], env);
    assert.equal(strict.code, EXIT.problems, strict.stderr);
    assert.match(strict.stderr, /stopped \(--strict\) at line 2: malformed JSON/);
    const loose = await paperboy(['import', 'kaggle', broken], env);
    assert.equal(loose.code, EXIT.problems, loose.stderr);
    assert.match(loose.stdout, /4 records: 2 new, 0 updated, 1 unchanged, 1 skipped as bad/);
    assert.match(loose.stderr, /line 2: malformed JSON/);

    const ids = await paperboy(['ingest', 'ids', 'https://arxiv.org/abs/1605.08386'], env);
    assert.equal(ids.code, EXIT.ok, ids.stderr);
    assert.match(ids.stdout, /1605\.08386v1\tHeat-bath random walks with Markov bases/);
    const unknown = await paperboy(['ingest', 'ids', '0808.05394'], env);
    assert.equal(unknown.code, EXIT.notFound);
    assert.match(unknown.stderr, /unknown to arXiv: 0808\.05394/);

    const shown = await paperboy(['papers', 'show', 'arXiv:1605.08386', '--json'], env);
    assert.equal(shown.code, EXIT.ok, shown.stderr);
    const paper = JSON.parse(shown.stdout) as { id: string; authors: string[]; categories: string[] };
    assert.deepEqual([paper.id, paper.authors, paper.categories], ['1605.08386', ['Caprice Stanley', 'Tobias Windisch'], ['math.CO', 'math.ST']]);

    const harvest = await paperboy(['ingest', 'arxiv', '--set', 'physics', '--from', '2014-10-01'], env);
    assert.equal(harvest.code, EXIT.ok, harvest.stderr);
    assert.match(harvest.stdout, /harvested physics from 2014-10-01: 1 pages, 6 records: 6 new/);
    const again = await paperboy(['ingest', 'arxiv', '--set', 'physics'], env);
    assert.equal(again.code, EXIT.ok, again.stderr);
    assert.match(again.stdout, /nothing new in physics from 2014-12-22/);

    const down = await paperboy(['ingest', 'arxiv', '--set', 'broken', '--from', '2024-01-01'], env);
    assert.equal(down.code, EXIT.failure);
    assert.match(down.stderr, /HTTP 500/);
    assert.ok(down.stderr.includes(oai.url), 'the failing URL is named');
    assert.ok(oaiCalls >= 3);
  } finally {
    await oai.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('import demo loads the demo corpus into an empty data folder', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-cli-'));
  try {
    const demo = await paperboy(['import', 'demo'], { PAPERBOY_DATA_DIR: dir });
    assert.equal(demo.code, EXIT.ok, demo.stderr);
    assert.match(demo.stdout, /demo corpus: \d{3} papers on 9 daily lists, \d+ upvotes/);
    const shown = await paperboy(['papers', 'show', '2607.09662'], { PAPERBOY_DATA_DIR: dir });
    assert.equal(shown.code, EXIT.ok, shown.stderr);
    assert.match(shown.stdout, /^2607\.09662v1 {2}PHINN-EEG/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an import killed mid-way keeps what it committed and a re-run completes it without duplicates', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-cli-'));
  try {
    const file = path.join(dir, 'snapshot.jsonl');
    writeFileSync(file, `${[...generateKaggleRecords(4000, 3)].map((r) => JSON.stringify(r)).join('\n')}\n`);
    const dbFile = await killImportAfter(dir, file, ['--batch', '100'], 300);
    const db = new SqliteDatabase(dbFile, { readonly: true });
    const afterKill = (db.prepare('select count(*) as n from papers').get() as { n: number }).n;
    db.close();
    assert.ok(afterKill >= 300 && afterKill < 4000, `${afterKill} papers committed before the kill`);
    assert.equal(afterKill % 100, 0, 'only whole batches are committed');

    const rerun = await paperboy(['import', 'kaggle', file], { PAPERBOY_DATA_DIR: dir });
    assert.equal(rerun.code, EXIT.ok, rerun.stderr);
    assert.match(rerun.stdout, new RegExp(`4000 records: ${4000 - afterKill} new, 0 updated, ${afterKill} unchanged, 0 skipped`));
    const check = new SqliteDatabase(dbFile, { readonly: true });
    const n = check.prepare('select count(*) as n, count(distinct id) as d from papers').get() as { n: number; d: number };
    const orphans = check.prepare('select count(*) as n from papers p where not exists (select 1 from paper_authors a where a.paper_id = p.id)').get() as { n: number };
    check.close();
    assert.deepEqual([n.n, n.d, orphans.n], [4000, 4000, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
