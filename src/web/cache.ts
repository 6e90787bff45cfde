// Rendered pages kept in memory for anonymous readers, invalidated when the content version changes
// (see contentVersion in store/daily.ts) and after a short TTL (for data outside that version, like
// trending scores). Pages are rendered once with a placeholder where each browser's CSRF token goes,
// so one cached copy serves every anonymous browser. Browsers that take gzip get the page compressed
// once, with their token spliced into the compressed bytes (see spliced-gzip.ts).
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { contentVersion, localChangeCount } from '../store/daily.js';
import { acceptsGzip } from './accept-encoding.js';
import { SplicedGzip } from './spliced-gzip.js';

const gzipAsync = promisify(gzip);
/** Below this a response is sent as it is: compressing saves less than it costs. */
export const COMPRESS_MIN_BYTES = 1024;

/** Rendered in place of the CSRF token in cached pages; replaced per request. */
export const CSRF_SLOT = '__pb_csrf_slot__';

/** A page whose address alone names its cache entry, so that early-answers.ts may answer it early. */
export interface HotPage {
  /** Runs for every page sent by the fast path, as the route handler would have (a page view, say). */
  onHit?: (request: { headers: IncomingHttpHeaders }) => void;
}

// Addresses differ by query string too; the bound keeps odd query strings from growing the map.
const MAX_ADDRESSES = 5_000;

export interface Entry {
  version: string;
  at: number;
  parts: Buffer[]; // the page split at CSRF_SLOT, encoded once (encoding 80 kB per request costs more than the rest)
  hash: string;
  status: number;
  /** The compressed page, built on the first request that takes gzip; null when it cannot be spliced. */
  gzip?: SplicedGzip | null;
  bytes: number;
}

// How long the database part of the content version is reused. Writes through this process bump
// the in-process counter (noteContentChange) and are seen at once; writes by other processes
// (a separate worker, another web process) show within this time.
const VERSION_REUSE_MS = 250;

export class PageCache {
  private readonly entries = new Map<string, Entry>();
  private readonly addresses = new Map<string, { key: string; page: HotPage }>();
  private version: { value: string; at: number; local: number } | null = null;

  private async currentVersion(ctx: AppContext): Promise<string> {
    const now = Date.now();
    const local = localChangeCount();
    const v = this.version;
    if (v && v.local === local && now - v.at < VERSION_REUSE_MS) return v.value;
    // One read at a time: requests that find the version stale while it is being read share that
    // read (each reading it again cost 10x the throughput of two web processes on PostgreSQL,
    // bench/results/postgres.md session 4).
    if (this.reading?.local !== local) {
      const reading = { local, value: contentVersion(ctx.store.db) };
      this.reading = reading;
      const settled = () => {
        if (this.reading === reading) this.reading = undefined;
      };
      reading.value.then((value) => {
        this.version = { value, at: now, local };
        settled();
      }, settled);
    }
    return this.reading!.value;
  }
  private reading?: { local: number; value: Promise<string> };
  constructor(
    private readonly max = 1000,
    private readonly ttlMs = 60_000,
  ) {}

  /**
   * The entry for `key` if it is known, without waiting, to be current: the content version was read
   * less than VERSION_REUSE_MS ago with no local change since, and the entry is of that version and
   * within its TTL. Otherwise undefined (the caller takes the normal path, which renews both).
   */
  peek(key: string): Entry | undefined {
    const now = Date.now();
    const v = this.version;
    if (!v || v.local !== localChangeCount() || now - v.at >= VERSION_REUSE_MS) return undefined;
    const hit = this.entries.get(key);
    return hit && hit.version === v.value && now - hit.at < this.ttlMs ? hit : undefined;
  }

  async get(ctx: AppContext, key: string, render: () => Promise<{ body: string; status?: number }>): Promise<Entry> {
    const version = await this.currentVersion(ctx);
    const now = Date.now(); // real time on purpose: the TTL bounds staleness in wall time
    const hit = this.entries.get(key);
    if (hit && hit.version === version && now - hit.at < this.ttlMs) return hit;
    const { body, status } = await render();
    const entry: Entry = { version, at: now, parts: body.split(CSRF_SLOT).map((p) => Buffer.from(p)), hash: createHash('sha1').update(body).digest('base64url').slice(0, 16), status: status ?? 200, bytes: 0 };
    entry.bytes = entry.parts.reduce((n, p) => n + p.length, 0);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  clear(): void {
    this.entries.clear();
    this.addresses.clear();
  }

  /** Notes that anonymous GETs of `url` are served from `key`. */
  rememberAddress(url: string, key: string, page: HotPage): void {
    const known = this.addresses.get(url);
    if (known?.key === key) return;
    if (!known && this.addresses.size >= MAX_ADDRESSES) this.addresses.delete(this.addresses.keys().next().value as string);
    this.addresses.set(url, { key, page });
  }

  addressed(url: string): { key: string; page: HotPage } | undefined {
    return this.addresses.get(url);
  }
}

const caches = new WeakMap<AppContext, PageCache>();
export function pageCache(ctx: AppContext): PageCache {
  let c = caches.get(ctx);
  if (!c) caches.set(ctx, (c = new PageCache()));
  return c;
}

/** A cached page's bytes for one browser: its CSRF token in the slots, gzipped when it takes gzip. */
export function cachedBody(entry: Entry, token: string, takesGzip: boolean): { body: Buffer; gzipped: boolean } {
  const { pieces, gzipped } = cachedPieces(entry, token, takesGzip);
  return { body: pieces.length === 1 ? pieces[0] : Buffer.concat(pieces), gzipped };
}

/** cachedBody's bytes as pieces of the cached copy and the token, none copied. */
export function cachedPieces(entry: Entry, token: string, takesGzip: boolean): { pieces: Buffer[]; gzipped: boolean } {
  const value = Buffer.from(token);
  if (takesGzip && entry.bytes >= COMPRESS_MIN_BYTES) {
    if (entry.gzip === undefined || (entry.gzip && entry.gzip.slotLength !== value.length)) entry.gzip = SplicedGzip.build(entry.parts, value.length);
    if (entry.gzip) return { pieces: entry.gzip.pieces(value), gzipped: true };
  }
  const pieces: Buffer[] = [entry.parts[0]];
  for (let i = 1; i < entry.parts.length; i++) pieces.push(value, entry.parts[i]);
  return { pieces, gzipped: false };
}

/**
 * The validator and caching headers of a page. Each coding is its own representation with its own
 * validator (RFC 9110 8.8.3). Pages carry the browser's CSRF token and may show who is signed in:
 * private, always revalidated.
 */
export function pageHeaders(hash: string, csrfToken: string, gzipped: boolean): Record<string, string> {
  return { etag: pageEtag(hash, csrfToken, gzipped), ...PAGE_CACHING };
}

export const pageEtag = (hash: string, csrfToken: string, gzipped: boolean) => `W/"${hash}-${csrfToken.slice(0, 10)}${gzipped ? '-gz' : ''}"`;
export const PAGE_CACHING: Readonly<Record<string, string>> = { 'cache-control': 'private, no-cache', vary: 'Cookie, Accept-Encoding' };

/**
 * Sends HTML with an ETag (answering 304 when it matches) and revalidation headers, gzipped when the
 * browser takes it. `gzipped` is a body already compressed (a cached page).
 */
export async function sendHtml(request: FastifyRequest, reply: FastifyReply, body: string | Buffer, hash?: string, status = 200, gzipped = false) {
  const compress = !gzipped && acceptsGzip(request.headers['accept-encoding']) && Buffer.byteLength(body) >= COMPRESS_MIN_BYTES;
  const encoded = gzipped || compress;
  const headers = pageHeaders(hash ?? createHash('sha1').update(body).digest('base64url').slice(0, 16), request.csrfToken, encoded);
  reply.headers(headers);
  if (status === 200 && request.headers['if-none-match'] === headers.etag) return reply.status(304).send();
  reply.status(status).type('text/html; charset=utf-8');
  if (!encoded) return reply.send(body);
  return reply.header('Content-Encoding', 'gzip').send(gzipped ? body : await gzipAsync(body, { level: 5 }));
}

/**
 * Serves a page: anonymous readers get the cached rendering (CSRF token filled in), signed-in
 * readers a fresh one (their upvotes and controls differ). `hot` is given (`{}` at the least) where
 * `key` follows from the address alone: repeat anonymous views of the address are then answered
 * before routing (early-answers.ts), and `hot.onHit` does for them what the handler does after this.
 */
export async function servePage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  render: (csrf: string) => Promise<{ body: string; status?: number }>,
  hot?: HotPage,
) {
  if (request.viewer) {
    const { body, status } = await render(request.csrfToken);
    return sendHtml(request, reply, body, undefined, status ?? 200);
  }
  const cache = pageCache(ctx);
  const entry = await cache.get(ctx, key, () => render(CSRF_SLOT));
  // The next anonymous GET of this address may be answered from the cache before the handler runs.
  if (hot && request.method === 'GET') cache.rememberAddress(request.url, key, hot);
  const { body, gzipped } = cachedBody(entry, request.csrfToken, acceptsGzip(request.headers['accept-encoding']));
  return sendHtml(request, reply, body, entry.hash, entry.status, gzipped);
}
