// The Kaggle arXiv snapshot import: records are read, parsed and normalised (kaggle-read.ts; for a
// large file in a second thread, kaggle-thread-reader.ts) and stored in batched transactions; bad lines are reported with
// their line number and skipped whole. Large imports run in bulk mode: the full-text triggers are
// suspended and the new papers indexed once at the end (src/search/sqlite/fts-bulk.ts), which
// halves the CPU per paper; the import returns only once its papers are searchable.
import { statSync } from 'node:fs';
import type { AppContext } from '../context.js';
import type { Normalised } from './normalize.js';
import { type NormalisedItem, type ReadProgress, kaggleToPaper, readKaggleFile, recordLocation } from './kaggle-read.js';
import { readKaggleFileInThread } from './kaggle-thread-reader.js';
import { BatchWriter, type IngestTally } from './writer.js';
import { withBulkLoad } from '../store/ingest.js';
import { beginFtsBulk, endFtsBulk, ftsBulkInProgress, indexMissingPapers, repairFtsBulk } from '../search/sqlite/fts-bulk.js';

export { MAX_LINE_BYTES, kaggleToPaper, readLines, type Line, type ReadProgress } from './kaggle-read.js';

/** Files at least this large (about 35,000 records) are imported in bulk mode unless told otherwise. */
export const BULK_THRESHOLD_BYTES = 64 * 1024 * 1024;
/**
 * Whether such a file is read in a second thread unless told otherwise: at 1,000,000 records the
 * writing thread's insert phase took 15% less time with it (bench/results/import.md, session 4).
 */
export const READER_THREAD_BY_DEFAULT = true;

export interface ImportOptions {
  /** Stop at the first bad record (what came before it is kept). */
  strict?: boolean;
  /** Records per transaction. */
  batchSize?: number;
  /** Called after each batch and at the end. */
  onProgress?: (tally: IngestTally, read: ReadProgress) => void;
  /** Name recorded with problems (the file path). */
  source?: string;
  /**
   * Bulk mode (SQLite): suspend the full-text triggers while inserting and index the new papers once
   * at the end. Default: on for files of BULK_THRESHOLD_BYTES or more, off otherwise.
   */
  bulk?: boolean;
  /**
   * Read, parse and normalise in a second thread, so that this one only writes. Default: for files
   * of BULK_THRESHOLD_BYTES or more, READER_THREAD_BY_DEFAULT (the thread costs ~50 MB of RSS, its
   * own isolate and TypeScript loader, and a moment to start). Should the thread fail, reading goes
   * on in line.
   */
  readerThread?: boolean;
  /** Called when the papers are stored and bulk mode starts indexing them (0), then as it goes. */
  onIndexProgress?: (indexed: number) => void;
}

export interface ImportSummary extends IngestTally {
  /** Set when --strict stopped the import: where and why. */
  stoppedAt?: { location: string; message: string };
  firstProblems: Array<{ location: string; message: string }>;
  /** The whole import, indexing included. */
  seconds: number;
  /** Whether bulk mode was used, and the part of `seconds` spent indexing at the end. */
  bulk: boolean;
  indexSeconds: number;
}

/**
 * Imports parsed records (from a generator: seeding, tests). Each item is the record and where it
 * came from; `problem` marks an item that could not even be read.
 */
export function importKaggleItems(
  ctx: AppContext,
  items: AsyncIterable<RawItem> | Iterable<RawItem>,
  options: ImportOptions = {},
  read: ReadProgress = { bytesRead: 0, totalBytes: 0 },
): Promise<ImportSummary> {
  async function* normalised(): AsyncGenerator<NormalisedItem> {
    for await (const item of items) {
      const result: Normalised = item.problem ? { ok: false, problem: item.problem } : kaggleToPaper(item.record);
      yield { location: result.ok ? item.location : recordLocation(item.location, item.record), result };
    }
  }
  return importNormalised(ctx, normalised(), options, read);
}

export interface RawItem {
  location: string;
  record?: unknown;
  problem?: string;
}

/** Imports a snapshot file (plain or gzip JSON lines). */
export async function importKaggleFile(ctx: AppContext, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const read: ReadProgress = { bytesRead: 0, totalBytes: 0 };
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // readLines reports an unreadable file with its reason
  }
  const large = size >= BULK_THRESHOLD_BYTES;
  const onFallback = (reason: Error, line: number) => ctx.log.warn({ reason: reason.message, line }, 'the snapshot reader thread failed; reading on in line after this line');
  const items = (options.readerThread ?? (large && READER_THREAD_BY_DEFAULT)) ? readKaggleFileInThread(file, read, { onFallback }) : readKaggleFile(file, read);
  return importNormalised(ctx, items, { source: file, bulk: large, ...options }, read);
}

function importNormalised(ctx: AppContext, items: AsyncIterable<NormalisedItem>, options: ImportOptions, read: ReadProgress): Promise<ImportSummary> {
  return withBulkLoad(ctx.store, async () => {
    const started = performance.now();
    const sqlite = ctx.store.sqlite;
    if (sqlite) {
      // A bulk import killed earlier left papers unindexed and the triggers suspended: finish its job first.
      const repaired = repairFtsBulk(sqlite);
      if (repaired.restored) ctx.log.warn({ indexed: repaired.indexed }, 'finished the full-text indexing of an interrupted bulk import');
    }
    const bulk = options.bulk && sqlite ? beginFtsBulk(sqlite, ctx.clock.now().toISOString()) : undefined;
    let summary: Omit<ImportSummary, 'seconds' | 'bulk' | 'indexSeconds'>;
    let indexStarted = 0;
    try {
      summary = await storeItems(ctx, items, options, read);
    } finally {
      indexStarted = performance.now();
      // Also on failure: what was committed must become searchable and the triggers come back.
      if (sqlite && bulk) {
        options.onIndexProgress?.(0);
        endFtsBulk(sqlite, bulk, options.onIndexProgress);
      } else if (sqlite && ftsBulkInProgress(sqlite)) indexMissingPapers(sqlite); // another live import holds bulk mode
    }
    const done = performance.now();
    return { ...summary, seconds: (done - started) / 1000, bulk: !!bulk, indexSeconds: (done - indexStarted) / 1000 };
  });
}

async function storeItems(ctx: AppContext, items: AsyncIterable<NormalisedItem>, options: ImportOptions, read: ReadProgress): Promise<Omit<ImportSummary, 'seconds' | 'bulk' | 'indexSeconds'>> {
  const writer = new BatchWriter(ctx, options.batchSize ?? 2000, { writeThrough: true });
  const source = options.source ?? 'kaggle';
  let stoppedAt: ImportSummary['stoppedAt'];
  let lastReport = 0;
  try {
    for await (const { location, result } of items) {
      if (result.ok) {
        await writer.add(result.paper);
        if (options.onProgress && writer.tally.read - lastReport >= 1000) {
          lastReport = writer.tally.read;
          options.onProgress(writer.tally, read);
        }
      } else {
        writer.problem({ source, location, message: result.problem });
        if (options.strict) {
          stoppedAt = { location, message: result.problem };
          break;
        }
      }
    }
  } catch (err) {
    await writer.abort(err as Error);
    throw err;
  }
  await writer.flush();
  options.onProgress?.(writer.tally, read);
  return { ...writer.tally, stoppedAt, firstProblems: writer.firstProblems };
}
