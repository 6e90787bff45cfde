// The writing thread's side of the snapshot reader thread (kaggle-thread.ts): the same records as
// readKaggleFile, in the same order, read, parsed and normalised on the other core while this thread
// writes. Leaving the loop early (--strict) stops the thread.
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../errors.js';
import type { NormalisedItem, ReadProgress } from './kaggle-read.js';
import type { ReaderMessage, ReaderThreadData } from './kaggle-thread.js';
import { unpackItems } from './kaggle-pack.js';

export async function* readKaggleFileInThread(file: string, read: ReadProgress, options: { batch?: number; window?: number } = {}): AsyncGenerator<NormalisedItem> {
  const data: ReaderThreadData = { file, batch: options.batch ?? 500, batchChars: 1 << 20, window: options.window ?? 2 };
  // The thread's live data is one batch; small heap limits keep its garbage (and the process RSS) down.
  const worker = new Worker(new URL('./kaggle-thread.mjs', import.meta.url), {
    workerData: data,
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 },
  });
  const inbox: ReaderMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let exited = false;
  const arrive = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (m: ReaderMessage) => {
    inbox.push(m);
    arrive();
  });
  worker.on('error', (err) => {
    failure = err;
    arrive();
  });
  worker.on('exit', (code) => {
    exited = true;
    if (code !== 0 && !failure) failure = new Error(`the snapshot reader thread stopped (exit code ${code})`);
    arrive();
  });
  try {
    for (;;) {
      const m = inbox.shift();
      if (!m) {
        if (failure) throw failure;
        if (exited) throw new Error('the snapshot reader thread ended before the end of the file');
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if ('error' in m) throw m.code ? new AppError(m.code as ErrorCode, m.error) : new Error(m.error);
      Object.assign(read, m.read);
      if ('done' in m) return;
      worker.postMessage(1); // a credit: the thread may read one more batch ahead
      yield* unpackItems(m.items);
    }
  } finally {
    await worker.terminate();
  }
}
