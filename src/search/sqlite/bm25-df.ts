// BM25 ranking without FTS5's per-query IDF scan: the bm25_df function (bm25-df.c) is bm25() with
// the phrases' document frequencies passed in, and this file keeps those counts.
//
// Why: bm25() reads every query phrase's whole doclist to count its documents, on every query. At
// 1,000,000 papers that is most of a keyword query's CPU ("models": ~30 ms of ~31). A phrase found
// in many papers is counted once and its count kept for DF_TTL_MS; a rarer one (cheap to count)
// is counted for each query, so small stores rank exactly as bm25() does at every moment.
//
// The extension is compiled on this machine, once, with the system's C compiler against the
// sqlite3ext.h of the SQLite that better-sqlite3 is built from, into node_modules/.cache (or the
// data directory when that is read-only). Without a compiler nothing changes but speed: search
// ranks with bm25() itself (the `rank` column), which gives the same scores.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type SqliteDatabase from 'better-sqlite3';

type Db = SqliteDatabase.Database;

/** A phrase in at least this many documents keeps its count for DF_TTL_MS (counting ~10,000 rows: ~0.5 ms). */
export const DF_CACHE_MIN_DOCS = 10_000;
/**
 * How long a kept count is used; a common word's IDF moves little in that time. After a bulk import
 * or a trim of the recent index (recent-fts.ts), ranking uses the counts from before for at most this
 * long (the number of rows, N in the IDF, is always the current one).
 */
export const DF_TTL_MS = 10 * 60_000;
const DF_CACHE_MAX = 20_000;

const here = path.dirname(fileURLToPath(import.meta.url));
const SOURCE = path.join(here, 'bm25-df.c');
const ENTRY_POINT = 'sqlite3_bm25df_init';

let built: string | null | undefined;

/** The path of the compiled extension, building it if needed; null when it cannot be built here. */
function extensionFile(dataDir: string | undefined): string | null {
  if (built !== undefined) return built;
  built = null;
  try {
    const include = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'deps', 'sqlite3');
    const source = readFileSync(SOURCE);
    // The build depends on the source, the SQLite headers and the platform.
    const key = createHash('sha256').update(source).update(readFileSync(path.join(include, 'sqlite3ext.h'))).update(`${process.platform}-${process.arch}`).digest('hex').slice(0, 16);
    const suffix = process.platform === 'darwin' ? 'dylib' : process.platform === 'win32' ? 'dll' : 'so';
    const dirs = [path.resolve(here, '..', '..', '..', 'node_modules', '.cache', 'paperboy'), ...(dataDir ? [path.resolve(dataDir, 'cache')] : [])];
    for (const dir of dirs) {
      const file = path.join(dir, `bm25_df-${key}.${suffix}`);
      if (existsSync(file)) return (built = file);
    }
    if (process.platform === 'win32') return null;
    for (const dir of dirs) {
      try {
        mkdirSync(dir, { recursive: true });
        const partial = path.join(dir, `bm25_df-${key}.${process.pid}.tmp`);
        const flags = process.platform === 'darwin' ? ['-dynamiclib', '-undefined', 'dynamic_lookup'] : ['-shared', '-fPIC'];
        execFileSync(process.env.CC || 'cc', ['-O2', ...flags, '-I', include, SOURCE, '-o', partial, '-lm'], { stdio: 'ignore', timeout: 60_000 });
        // Renamed into place: another process building at the same time never loads half a file.
        const file = path.join(dir, `bm25_df-${key}.${suffix}`);
        renameSync(partial, file);
        return (built = file);
      } catch {
        rmSync(path.join(dir, `bm25_df-${key}.${process.pid}.tmp`), { force: true });
      }
    }
  } catch {
    // No compiler, no headers, or nowhere to write: search ranks with bm25().
  }
  return built;
}

const loaded = new WeakMap<Db, boolean>();

/** Loads bm25_df into this connection (building it on first use); false when it is not available. */
export function loadBm25Df(db: Db, dataDir?: string): boolean {
  let ok = loaded.get(db);
  if (ok === undefined) {
    const file = extensionFile(dataDir);
    ok = false;
    if (file) {
      try {
        // better-sqlite3 takes the entry point as a second argument; its type definitions lag.
        (db.loadExtension as (file: string, entryPoint: string) => Db).call(db, file, ENTRY_POINT);
        ok = true;
      } catch {
        ok = false;
      }
    }
    loaded.set(db, ok);
  }
  return ok;
}

/**
 * Document counts of MATCH phrases, per FTS5 table: what bm25_df takes instead of counting. A
 * phrase in DF_CACHE_MIN_DOCS documents or more is kept DF_TTL_MS; others are counted each time.
 */
export class PhraseCounts {
  private readonly kept = new Map<string, { docs: number; at: number }>();
  private readonly counters = new Map<string, SqliteDatabase.Statement>();

  /** minDocs and ttlMs: DF_CACHE_MIN_DOCS and DF_TTL_MS unless a test needs them small. */
  constructor(
    private readonly db: Db,
    private readonly minDocs = DF_CACHE_MIN_DOCS,
    private readonly ttlMs = DF_TTL_MS,
  ) {}

  /** The counts of `phrases` (each its own MATCH expression, in FTS5's phrase order) as bm25_df's blob. */
  blob(table: string, phrases: string[], now = Date.now()): Buffer {
    const counts = new Float64Array(phrases.length);
    phrases.forEach((phrase, i) => {
      counts[i] = this.count(table, phrase, now);
    });
    return Buffer.from(counts.buffer);
  }

  count(table: string, phrase: string, now = Date.now()): number {
    const key = `${table}\u0000${phrase}`;
    const hit = this.kept.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.docs;
    let counter = this.counters.get(table);
    if (!counter) {
      counter = this.db.prepare(`select count(*) from ${table} where ${table} match ?`).pluck();
      this.counters.set(table, counter);
    }
    const docs = counter.get(phrase) as number;
    this.kept.delete(key);
    if (docs >= this.minDocs) {
      if (this.kept.size >= DF_CACHE_MAX) this.kept.delete(this.kept.keys().next().value!);
      this.kept.set(key, { docs, at: now });
    }
    return docs;
  }

  clear(): void {
    this.kept.clear();
  }
}
