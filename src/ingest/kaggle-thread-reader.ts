// The writing thread's side of the snapshot reader thread (kaggle-thread.ts): the same records as
// readKaggleFile, in the same order, read, parsed and normalised on the other core while this thread
// writes. Leaving the loop early (--strict) stops the thread.
//
// When the thread itself fails (it cannot start, runs out of its heap, or dies), the records carry
// on in line from the line after the last one received, so a failed thread slows the import down
// but never stops it. A problem with the file (unreadable, broken gzip) is not the thread's failure:
// it ends the import as it would in line.
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../errors.js';
import { type NormalisedItem, type ReadProgress, readKaggleFile } from './kaggle-read.js';
import type { ReaderMessage, ReaderThreadData } from './kaggle-thread.js';
import { unpackItems } from './kaggle-pack.js';

export interface ReaderThreadOptions {
  /** Records per message. */
  batch?: number;
  /** Messages the thread may read ahead of this one. */
  window?: number;
  /** Told when the thread failed and reading went on in line after `line`. */
  onFallback?: (reason: Error, line: number) => void;
  /** The thread's entry module (tests start one that fails). */
  entry?: URL;
}

/** Thrown by the loop below for a failure of the thread itself (not of the file). */
class ThreadFailure extends Error {}

export async function* readKaggleFileInThread(file: string, read: ReadProgress, options: ReaderThreadOptions = {}): AsyncGenerator<NormalisedItem> {
  let lastLine = 0;
  try {
    for await (const item of itemsFromThread(file, read, options)) {
      if (item.line !== undefined) lastLine = item.line;
      yield item;
    }
  } catch (err) {
    if (!(err instanceof ThreadFailure)) throw err;
    options.onFallback?.(err, lastLine);
    yield* readKaggleFile(file, read, lastLine);
  }
}

async function* itemsFromThread(file: string, read: ReadProgress, options: ReaderThreadOptions): AsyncGenerator<NormalisedItem> {
  const data: ReaderThreadData = { file, batch: options.batch ?? 500, batchBytes: 1 << 20, window: options.window ?? 8 };
  let worker: Worker;
  try {
    // The thread's live data is one batch; small heap limits keep its garbage (and the process RSS) down.
    worker = new Worker(options.entry ?? new URL('./kaggle-thread.mjs', import.meta.url), {
      workerData: data,
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 },
    });
  } catch (err) {
    throw new ThreadFailure(`the snapshot reader thread did not start: ${(err as Error).message}`);
  }
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
    failure = new ThreadFailure(`the snapshot reader thread failed: ${err.message}`);
    arrive();
  });
  worker.on('exit', (code) => {
    exited = true;
    failure ??= new ThreadFailure(`the snapshot reader thread stopped (exit code ${code}) before the end of the file`);
    arrive();
  });
  try {
    for (;;) {
      const m = inbox.shift();
      if (!m) {
        if (failure) throw failure;
        if (exited) throw new ThreadFailure('the snapshot reader thread ended before the end of the file');
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
