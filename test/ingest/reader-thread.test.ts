// The snapshot reader thread hands over exactly what reading in line yields, and when the thread
// fails (dies mid-file, or never starts) the records carry on in line after the last one received:
// none lost, none twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKaggleRecords } from '../../bench/generate.js';
import { type NormalisedItem, readKaggleFile } from '../../src/ingest/kaggle-read.js';
import { readKaggleFileInThread } from '../../src/ingest/kaggle-thread-reader.js';

async function collect(items: AsyncIterable<NormalisedItem>): Promise<NormalisedItem[]> {
  const all: NormalisedItem[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** 1,000 records with a malformed line, a record without an id and a blank line among them. */
function snapshot(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-reader-'));
  const lines = [...generateKaggleRecords(1000, 21)].map((r) => JSON.stringify(r));
  lines.splice(150, 0, '{"id": "2401.00001", "title": ');
  lines.splice(420, 0, JSON.stringify({ title: 'No id' }), '');
  const file = path.join(dir, 'snapshot.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const progress = () => ({ bytesRead: 0, totalBytes: 0 });

test('the reader thread yields the same items as reading in line, bad lines included', async () => {
  const { file, cleanup } = snapshot();
  try {
    const inLine = await collect(readKaggleFile(file, progress()));
    assert.equal(inLine.length, 1002);
    assert.equal(inLine.filter((i) => !i.result.ok).length, 2);
    const read = progress();
    assert.deepEqual(await collect(readKaggleFileInThread(file, read, { batch: 100 })), inLine);
    assert.equal(read.bytesRead, read.totalBytes);
  } finally {
    cleanup();
  }
});

test('a reader thread that dies mid-file: reading goes on in line after the last line received', async () => {
  const { file, cleanup } = snapshot();
  try {
    const inLine = await collect(readKaggleFile(file, progress()));
    const fallbacks: Array<{ reason: string; line: number }> = [];
    const items = await collect(
      readKaggleFileInThread(file, progress(), {
        batch: 100,
        entry: new URL('./dying-reader-thread.mjs', import.meta.url),
        onFallback: (reason, line) => fallbacks.push({ reason: reason.message, line }),
      }),
    );
    assert.deepEqual(items, inLine);
    assert.equal(fallbacks.length, 1);
    assert.match(fallbacks[0].reason, /exit code 3/);
    assert.equal(fallbacks[0].line, 100, 'the first batch (lines 1-100) came from the thread');
  } finally {
    cleanup();
  }
});

test('a reader thread that cannot start: every record is read in line', async () => {
  const { file, cleanup } = snapshot();
  try {
    const fallbacks: number[] = [];
    const items = await collect(
      readKaggleFileInThread(file, progress(), { entry: new URL('./no-such-reader-thread.mjs', import.meta.url), onFallback: (_, line) => fallbacks.push(line) }),
    );
    assert.deepEqual(items, await collect(readKaggleFile(file, progress())));
    assert.deepEqual(fallbacks, [0]);
  } finally {
    cleanup();
  }
});
