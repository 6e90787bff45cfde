// The Kaggle snapshot reader on the real first lines of the snapshot plus broken lines of every kind:
// malformed JSON, missing fields, absurdly long fields, non-UTF-8 bytes, an overlong line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { importKaggleFile, kaggleToPaper, MAX_LINE_BYTES } from '../../src/ingest/kaggle.js';
import { recentProblems } from '../../src/store/ingest.js';
import { countPapers, getPaper } from '../../src/store/papers.js';
import { fixtures, makeTestContext } from '../helpers.js';

const sample = readFileSync(path.join(fixtures, 'kaggle/arxiv-metadata-oai-snapshot.head200.jsonl'), 'utf8').trimEnd().split('\n');
const rec = (i: number) => JSON.parse(sample[i]) as Record<string, unknown>;

test('snapshot records map to papers (hand-checked: 0704.0001, 0704.0002)', () => {
  const a = kaggleToPaper(rec(0));
  assert.ok(a.ok);
  assert.equal(a.paper.id, '0704.0001');
  assert.equal(a.paper.version, 2);
  assert.equal(a.paper.title, 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies');
  assert.deepEqual(a.paper.authors, ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C. -P. Yuan']);
  assert.deepEqual(a.paper.categories, ['hep-ph']);
  assert.equal(a.paper.publishedAt, '2007-04-02T19:18:42.000Z');
  assert.equal(a.paper.updatedAt, '2007-07-24T20:10:27.000Z');
  assert.equal(a.paper.doi, '10.1103/PhysRevD.76.013009');
  assert.equal(a.paper.journalRef, 'Phys.Rev.D76:013009,2007');
  assert.equal(a.paper.license, null);
  assert.equal(a.paper.source, 'kaggle');
  const b = kaggleToPaper(rec(1));
  assert.ok(b.ok);
  assert.deepEqual(b.paper.categories, ['math.CO', 'cs.CG']);
  assert.deepEqual(b.paper.authors, ['Ileana Streinu', 'Louis Theran']);
  assert.equal(b.paper.license, 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/');
});

test('code links in comments or abstracts become code links and the GitHub repository', async () => {
  const r = kaggleToPaper({ ...rec(2), comments: '12 pages. Code: https://github.com/Some-Lab/fast_thing.git, project page https://some-lab.github.io/fast.' });
  assert.ok(r.ok);
  assert.deepEqual(r.paper.links?.code, ['https://github.com/Some-Lab/fast_thing']);
  assert.equal(r.paper.links?.project, 'https://some-lab.github.io/fast');
});

/** The first 20 real lines with broken ones in between; returns the file and the bad line numbers. */
function brokenFile(dir: string): { file: string; bad: Array<[number, RegExp]> } {
  const long = { ...rec(3), id: '0704.0444', title: 'x'.repeat(5000) };
  const lines: Array<string | Buffer> = [
    ...sample.slice(0, 5),
    '{"id":"0704.0099","title":"Truncated', // malformed JSON (a cut-off line)
    JSON.stringify({ ...rec(5), title: undefined }), // missing title
    JSON.stringify(long), // absurdly long title
    Buffer.concat([Buffer.from('{"id":"0704.0098","title":"Bad '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","abstract":"a"}')]), // not UTF-8
    '', // blank lines are not records
    JSON.stringify({ ...rec(6), id: 'not-an-id' }),
    '[1, 2, 3]',
    JSON.stringify({ ...rec(7), authors_parsed: [], authors: '' }), // no authors
    ...sample.slice(5, 20).filter((_, i) => ![0, 1, 2].includes(i)),
  ];
  const file = path.join(dir, 'broken.jsonl');
  writeFileSync(file, Buffer.concat(lines.map((l) => Buffer.concat([Buffer.isBuffer(l) ? l : Buffer.from(l), Buffer.from('\n')]))));
  return {
    file,
    bad: [
      [6, /malformed JSON/],
      [7, /missing title/],
      [8, /title is 5000 characters/],
      [9, /not valid UTF-8/],
      [11, /not an arXiv id/],
      [12, /not a JSON object/],
      [13, /missing authors/],
    ],
  };
}

test('bad lines are counted and reported with their line numbers; good ones are all stored', async () => {
  const ctx = await makeTestContext();
  try {
    const { file, bad } = brokenFile(ctx.dir);
    const s = await importKaggleFile(ctx, file, { batchSize: 4 });
    assert.equal(s.problems, bad.length);
    assert.equal(s.inserted, 5 + 12);
    assert.equal(s.read, 5 + 12 + bad.length);
    assert.equal(await countPapers(ctx.store.db), 17);
    const stored = (await recentProblems(ctx.store.db)).reverse();
    assert.equal(stored.length, bad.length);
    bad.forEach(([line, message], i) => {
      assert.ok(stored[i].location.startsWith(`line ${line}`), `${stored[i].location} is line ${line}`);
      assert.match(stored[i].message, message);
      assert.equal(stored[i].source, file);
    });
    assert.match(stored.find((p) => p.location.startsWith('line 8'))!.location, /\(id 0704\.0444\)/, 'the record id when known');
    assert.equal(await getPaper(ctx.store.db, '0704.0444'), undefined, 'never half-written');
    assert.equal(await getPaper(ctx.store.db, '0704.0099'), undefined);
  } finally {
    await ctx.cleanup();
  }
});

test('--strict stops at the first bad line and keeps what came before it', async () => {
  const ctx = await makeTestContext();
  try {
    const { file } = brokenFile(ctx.dir);
    const s = await importKaggleFile(ctx, file, { strict: true, batchSize: 2 });
    assert.deepEqual(s.stoppedAt, { location: 'line 6', message: s.stoppedAt?.message });
    assert.match(s.stoppedAt!.message, /malformed JSON/);
    assert.equal(await countPapers(ctx.store.db), 5);
  } finally {
    await ctx.cleanup();
  }
});

test('gzip is read the same; a re-run (as after a kill) adds no duplicates; a newer version updates in place', async () => {
  const ctx = await makeTestContext();
  try {
    const gz = path.join(ctx.dir, 'snapshot.jsonl.gz');
    writeFileSync(gz, gzipSync(sample.join('\n')));
    const first = await importKaggleFile(ctx, gz, { batchSize: 64 });
    assert.equal(first.inserted, 200);
    assert.equal(first.problems, 0);
    await ctx.store.db.updateTable('papers').set({ upvotes: 3 }).where('id', '=', '0704.0001').execute();
    const again = await importKaggleFile(ctx, gz);
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 200]);
    assert.equal(await countPapers(ctx.store.db), 200);

    const v3 = { ...rec(0), title: 'Calculation of prompt diphoton production, revised', versions: [...(rec(0).versions as object[]), { version: 'v3', created: 'Mon, 3 Mar 2008 10:00:00 GMT' }] };
    const newer = path.join(ctx.dir, 'newer.jsonl');
    writeFileSync(newer, `${JSON.stringify(v3)}\n`);
    const upd = await importKaggleFile(ctx, newer);
    assert.equal(upd.updated, 1);
    const p = await getPaper(ctx.store.db, '0704.0001');
    assert.equal(p?.version, 3);
    assert.equal(p?.title, 'Calculation of prompt diphoton production, revised');
    assert.equal(p?.upvotes, 3, 'upvotes survive the new version');
  } finally {
    await ctx.cleanup();
  }
});

test('an overlong line is skipped without holding it in memory', async () => {
  const ctx = await makeTestContext();
  try {
    const file = path.join(ctx.dir, 'huge.jsonl');
    writeFileSync(file, `${sample[0]}\n{"id":"0704.0007","abstract":"${'a'.repeat(MAX_LINE_BYTES + 10)}"}\n${sample[1]}\n`);
    const s = await importKaggleFile(ctx, file);
    assert.equal(s.inserted, 2);
    assert.equal(s.problems, 1);
    assert.deepEqual(s.firstProblems.map((p) => p.location), ['line 2']);
    assert.match(s.firstProblems[0].message, /line longer than/);
  } finally {
    await ctx.cleanup();
  }
});

test('a byte-order mark and Windows line ends are not mistaken for broken records', async () => {
  const ctx = await makeTestContext();
  try {
    const file = path.join(ctx.dir, 'windows.jsonl');
    writeFileSync(file, `\uFEFF${sample[0]}\r\n${sample[1]}\r\n`);
    const s = await importKaggleFile(ctx, file);
    assert.deepEqual([s.inserted, s.problems], [2, 0]);
  } finally {
    await ctx.cleanup();
  }
});
