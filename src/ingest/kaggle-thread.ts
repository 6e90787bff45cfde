// Body of the snapshot reader thread: reads, parses and normalises records and posts them to the
// writing thread in batches, packed (kaggle-pack.ts: the text's bytes and an Int32Array, transferred). The
// writer grants a credit per batch it takes, so at most `window` batches wait: the import's memory
// stays flat whatever the file size.
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors.js';
import { type ReadProgress, readKaggleFile } from './kaggle-read.js';
import { ItemPacker, type PackedItems } from './kaggle-pack.js';

export interface ReaderThreadData {
  file: string;
  /** A batch is posted at this many records, or earlier at `batchBytes` bytes of text. */
  batch: number;
  batchBytes: number;
  /** Batches the writer may have waiting before this thread pauses. */
  window: number;
}

export type ReaderMessage =
  | { items: PackedItems; read: ReadProgress }
  | { done: true; read: ReadProgress }
  | { error: string; code?: string };

const port = parentPort!;
const { file, batch, batchBytes, window } = workerData as ReaderThreadData;
let credits = window;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits++;
  wake?.();
});

const read: ReadProgress = { bytesRead: 0, totalBytes: 0 };
const packer = new ItemPacker(2 * batchBytes); // room for the record that crosses the limit
async function post(): Promise<void> {
  while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
  credits--;
  const items = packer.take();
  port.postMessage({ items, read } satisfies ReaderMessage, [items.text, items.ints.buffer as ArrayBuffer]);
}
try {
  for await (const item of readKaggleFile(file, read)) {
    packer.add(item);
    if (packer.count >= batch || packer.bytes >= batchBytes) await post();
  }
  if (packer.count) await post();
  port.postMessage({ done: true, read } satisfies ReaderMessage);
} catch (err) {
  port.postMessage({ error: (err as Error).message, code: err instanceof AppError ? err.code : undefined } satisfies ReaderMessage);
}
