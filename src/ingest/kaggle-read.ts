// Reading the Kaggle arXiv snapshot (Cornell-University/arxiv): JSON lines, plain or gzip, streamed
// (fetch = read lines, parse = JSON, normalise). No store here: this module also runs in the reader
// thread of a large import (kaggle-thread.ts), which hands normalised papers to the writing thread.
import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { AppError } from '../errors.js';
import { normalisePaper, type Normalised, arxivLinks, canonicalArxivId } from './normalize.js';

/** A line longer than this is broken input (real records are a few KB; the longest author lists ~100 KB). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

export interface Line {
  number: number;
  text: string | null; // null when the line is not valid UTF-8 or too long
  problem?: string;
}

export interface ReadProgress {
  bytesRead: number; // bytes of the file (compressed when gzip) read so far
  totalBytes: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Streams the lines of a file (gzip detected by its magic bytes), checking UTF-8 and length. */
export async function* readLines(file: string, progress?: ReadProgress): AsyncGenerator<Line> {
  let gzip = false;
  try {
    const fh = await open(file, 'r');
    const head = Buffer.alloc(2);
    await fh.read(head, 0, 2, 0);
    await fh.close();
    gzip = head[0] === 0x1f && head[1] === 0x8b;
  } catch (err) {
    throw new AppError('bad_request', `cannot read ${file}: ${(err as Error).message}`);
  }
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (progress) progress.totalBytes = statSync(file).size;
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false; // inside a line that was too long: drop bytes until its end
  let number = 0;

  const finish = (parts: Buffer[]): Line => {
    number++;
    const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    const text = buf.toString('utf8');
    // toString() replaces invalid bytes with U+FFFD; confirm with a strict decode before refusing.
    if (text.includes('\uFFFD')) {
      try {
        strictUtf8.decode(buf);
      } catch {
        return { number, text: null, problem: 'not valid UTF-8' };
      }
    }
    // Windows line ends and a byte-order mark (files saved by some editors) are not part of the record.
    const line = number === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    return { number, text: line.endsWith('\r') ? line.slice(0, -1) : line };
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (progress) progress.bytesRead = raw.bytesRead;
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      if (skipping) {
        skipping = false;
        number++;
        yield { number, text: null, problem: `line longer than ${MAX_LINE_BYTES} bytes` };
      } else if (pendingBytes + (nl - start) > MAX_LINE_BYTES) {
        number++;
        yield { number, text: null, problem: `line longer than ${MAX_LINE_BYTES} bytes` };
      } else {
        pending.push(chunk.subarray(start, nl));
        yield finish(pending);
      }
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
    }
    if (start < chunk.length && !skipping) {
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > MAX_LINE_BYTES) {
        skipping = true;
        pending = [];
        pendingBytes = 0;
      } else {
        // Copy: the stream may reuse its buffer.
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
  }
  if (skipping) {
    number++;
    yield { number, text: null, problem: `line longer than ${MAX_LINE_BYTES} bytes` };
  } else if (pendingBytes) yield finish(pending);
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Maps one parsed snapshot record to a paper (or the reason it is refused). */
export function kaggleToPaper(record: unknown): Normalised {
  if (!record || typeof record !== 'object' || Array.isArray(record)) return { ok: false, problem: 'not a JSON object' };
  const r = record as Record<string, unknown>;
  const parsedId = canonicalArxivId(str(r.id));
  if (!parsedId) return { ok: false, problem: r.id === undefined ? 'missing id' : `not an arXiv id: ${String(r.id).slice(0, 60)}` };
  const versions = Array.isArray(r.versions) ? (r.versions as Array<{ version?: unknown; created?: unknown }>) : [];
  const numbers = versions.map((v) => Number(String(v?.version ?? '').replace(/^v/, ''))).filter((n) => Number.isInteger(n) && n > 0);
  const version = numbers.length ? Math.max(...numbers) : 1;
  const first = versions.find((v) => v?.version === 'v1') ?? versions[0];
  const last = versions.find((v) => v?.version === `v${version}`) ?? versions[versions.length - 1];

  let authors: string[] = [];
  if (Array.isArray(r.authors_parsed) && r.authors_parsed.length) {
    // [last, first, suffix]: the snapshot's parsed names are cleaner than its LaTeX-escaped string.
    authors = (r.authors_parsed as unknown[]).map((a) =>
      Array.isArray(a) ? [a[1], a[0], a[2]].filter((x) => typeof x === 'string' && x.trim()).join(' ') : '',
    );
  } else if (typeof r.authors === 'string') {
    authors = r.authors.split(/,\s*|\s+and\s+/);
  }
  const categories = typeof r.categories === 'string' ? r.categories.split(/\s+/) : [];
  return normalisePaper({
    id: parsedId.id,
    version,
    title: str(r.title),
    abstract: str(r.abstract),
    authors,
    categories,
    publishedAt: str(first?.created) ?? str(r.update_date),
    updatedAt: str(last?.created) ?? str(r.update_date),
    comments: str(r.comments),
    journalRef: str(r['journal-ref']),
    doi: str(r.doi),
    license: str(r.license),
    links: arxivLinks(parsedId.id, version),
    source: 'kaggle',
  });
}

/** One record as the import sees it: what it became, and where it came from (for problems). */
export interface NormalisedItem {
  location: string;
  result: Normalised;
  /** Its line in the file (a file's reader can resume after it). */
  line?: number;
}

/** Where a bad record was: its line, and its id when it has one. */
export function recordLocation(location: string, record: unknown): string {
  return record && typeof record === 'object' && 'id' in record ? `${location} (id ${String((record as { id: unknown }).id).slice(0, 40)})` : location;
}

/**
 * Reads, parses and normalises every record of a snapshot file, in order; with `afterLine`, only
 * those after that line (the lines before it are read but not parsed).
 */
export async function* readKaggleFile(file: string, read?: ReadProgress, afterLine = 0): AsyncGenerator<NormalisedItem> {
  for await (const { number, text, problem } of readLines(file, read)) {
    if (number <= afterLine) continue;
    const location = `line ${number}`;
    if (text === null) {
      yield { location, line: number, result: { ok: false, problem: problem ?? 'unreadable line' } };
      continue;
    }
    if (!text.trim()) continue; // blank lines (e.g. a trailing newline) are not records
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (err) {
      yield { location, line: number, result: { ok: false, problem: `malformed JSON: ${(err as Error).message.slice(0, 120)}` } };
      continue;
    }
    const result = kaggleToPaper(record);
    yield { location: result.ok ? location : recordLocation(location, record), line: number, result };
  }
}
