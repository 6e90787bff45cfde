// Body of the snapshot reader thread: reads, parses and normalises records and posts them to the
// writing thread in batches, as JSON text (copying one string and parsing it is cheaper than a
// structured clone of the objects). The writer grants a credit per batch it takes, so at most
// `window` batches wait: the import's memory stays flat whatever the file size.
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors.js';
import { type ReadProgress, readKaggleFile } from './kaggle-read.js';

export interface ReaderThreadData {
  file: string;
  /** A batch is posted at this many records, or earlier at `batchBytes` of JSON. */
  batch: number;
  batchBytes: number;
  /** Batches the writer may have waiting before this thread pauses. */
  window: number;
}

export type ReaderMessage =
  | { items: string; read: ReadProgress } // a JSON array of NormalisedItem
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
let parts: string[] = [];
let bytes = 0;
async function post(): Promise<void> {
  while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
  credits--;
  port.postMessage({ items: `[${parts.join(',')}]`, read } satisfies ReaderMessage);
  parts = [];
  bytes = 0;
}
try {
  for await (const item of readKaggleFile(file, read)) {
    const json = JSON.stringify(item);
    parts.push(json);
    bytes += json.length;
    if (parts.length >= batch || bytes >= batchBytes) await post();
  }
  if (parts.length) await post();
  port.postMessage({ done: true, read } satisfies ReaderMessage);
} catch (err) {
  port.postMessage({ error: (err as Error).message, code: err instanceof AppError ? err.code : undefined } satisfies ReaderMessage);
}
