// Rendered pages kept in memory for anonymous readers, invalidated when the content version changes
// (see contentVersion in store/daily.ts) and after a short TTL (for data outside that version, like
// trending scores). Pages are rendered once with a placeholder where each browser's CSRF token goes,
// so one cached copy serves every anonymous browser. Browsers that take gzip get the page compressed
// once, with their token spliced into the compressed bytes (see spliced-gzip.ts).
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { contentVersion, localChangeCount } from '../store/daily.js';
import { acceptsGzip } from './accept-encoding.js';
import { SplicedGzip } from './spliced-gzip.js';

const gzipAsync = promisify(gzip);
/** Below this a response is sent as it is: compressing saves less than it costs. */
const COMPRESS_MIN_BYTES = 1024;

/** Rendered in place of the CSRF token in cached pages; replaced per request. */
export const CSRF_SLOT = '__pb_csrf_slot__';

interface Entry {
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
  private version: { value: string; at: number; local: number } | null = null;

  private async currentVersion(ctx: AppContext): Promise<string> {
    const now = Date.now();
    const local = localChangeCount();
    const v = this.version;
    if (v && v.local === local && now - v.at < VERSION_REUSE_MS) return v.value;
    const value = await contentVersion(ctx.store.db);
    this.version = { value, at: now, local };
    return value;
  }
  constructor(
    private readonly max = 1000,
    private readonly ttlMs = 60_000,
  ) {}

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
  }
}

const caches = new WeakMap<AppContext, PageCache>();
export function pageCache(ctx: AppContext): PageCache {
  let c = caches.get(ctx);
  if (!c) caches.set(ctx, (c = new PageCache()));
  return c;
}

/**
 * Sends HTML with an ETag (answering 304 when it matches) and revalidation headers, gzipped when the
 * browser takes it. `gzipped` is a body already compressed (a cached page).
 */
export async function sendHtml(request: FastifyRequest, reply: FastifyReply, body: string | Buffer, hash?: string, status = 200, gzipped = false) {
  const compress = !gzipped && acceptsGzip(request.headers['accept-encoding']) && Buffer.byteLength(body) >= COMPRESS_MIN_BYTES;
  const encoded = gzipped || compress;
  // Each coding is its own representation with its own validator (RFC 9110 8.8.3).
  const tag = `W/"${hash ?? createHash('sha1').update(body).digest('base64url').slice(0, 16)}-${request.csrfToken.slice(0, 10)}${encoded ? '-gz' : ''}"`;
  reply.header('ETag', tag);
  // Pages carry the browser's CSRF token and may show who is signed in: private, always revalidated.
  reply.header('Cache-Control', 'private, no-cache');
  reply.header('Vary', 'Cookie, Accept-Encoding');
  if (status === 200 && request.headers['if-none-match'] === tag) return reply.status(304).send();
  reply.status(status).type('text/html; charset=utf-8');
  if (!encoded) return reply.send(body);
  return reply.header('Content-Encoding', 'gzip').send(gzipped ? body : await gzipAsync(body, { level: 5 }));
}

/**
 * Serves a page: anonymous readers get the cached rendering (CSRF token filled in), signed-in
 * readers a fresh one (their upvotes and controls differ).
 */
export async function servePage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  render: (csrf: string) => Promise<{ body: string; status?: number }>,
) {
  if (request.viewer) {
    const { body, status } = await render(request.csrfToken);
    return sendHtml(request, reply, body, undefined, status ?? 200);
  }
  const entry = await pageCache(ctx).get(ctx, key, () => render(CSRF_SLOT));
  const token = Buffer.from(request.csrfToken);
  if (entry.bytes >= COMPRESS_MIN_BYTES && acceptsGzip(request.headers['accept-encoding'])) {
    if (entry.gzip === undefined || (entry.gzip && entry.gzip.slotLength !== token.length)) entry.gzip = SplicedGzip.build(entry.parts, token.length);
    if (entry.gzip) return sendHtml(request, reply, entry.gzip.render(token), entry.hash, entry.status, true);
  }
  let body = entry.parts[0];
  if (entry.parts.length > 1) {
    const pieces: Buffer[] = [entry.parts[0]];
    for (let i = 1; i < entry.parts.length; i++) pieces.push(token, entry.parts[i]);
    body = Buffer.concat(pieces);
  }
  return sendHtml(request, reply, body, entry.hash, entry.status);
}
