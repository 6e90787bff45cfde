import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKaggleRecords } from '../../bench/generate.js';
import { type NormalisedItem, kaggleToPaper } from './kaggle-read.js';
import { ItemPacker, unpackItems } from './kaggle-pack.js';

test('packed items come back field for field: papers (nulls, Unicode, links) and problems, in order', () => {
  const items: NormalisedItem[] = [...generateKaggleRecords(300, 11)].map((record, i) => ({ location: `line ${i + 1}`, line: i + 1, result: kaggleToPaper(record) }));
  items.splice(7, 0, { location: 'line 8 (id 99)', line: 8, result: { ok: false, problem: 'not an arXiv id: 99' } });
  items.push({
    location: 'record 302', // items from elsewhere than a file have no line
    result: kaggleToPaper({
      id: '2401.01234',
      title: 'Über 𝔽-moduli — “quoted”',
      abstract: 'Ein Abstract.\nCode: https://github.com/Owner/Repo',
      authors_parsed: [['Bollobás', 'Béla', ''], ['王', '小明', '']],
      categories: 'math.AG',
      versions: [{ version: 'v1', created: 'Mon, 1 Jan 2024 00:00:00 GMT' }],
      comments: null,
      doi: null,
    }),
  });
  assert.ok(items.every((item) => item.result.ok || item.location.includes('id 99')));
  const packer = new ItemPacker();
  for (const item of items.slice(0, 150)) packer.add(item);
  const first = packer.take();
  assert.equal(packer.count, 0, 'take() empties the packer');
  for (const item of items.slice(150)) packer.add(item);
  const second = packer.take();
  assert.deepEqual([...unpackItems(first), ...unpackItems(second)], items);
});
