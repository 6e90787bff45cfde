// Conditional GET and a small in-process cache of rendered public responses (API lists, feeds).
// A cached body is reused while the store's content version is unchanged and it is younger than the
// TTL (the TTL bounds staleness from changes the version cannot see, like recomputed trending scores).
// Within a second of the last check the version is not even asked: under load that saves a query
// per request, and a list one second old is as good as a fresh one to a feed reader or a script.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { contentVersion } from '../store/daily.js';
import { SECURITY_HEADERS } from '../web/security-headers.js';

export interface Rendered {
  body: string;
  /** ISO time of the newest change in the body, for Last-Modified. */
  lastModified?: string | null;
}

interface Entry {
  body: Buffer;
  /** The body gzipped, made on the first request that accepts it (lists compress about 4:1). */
  gzip?: Buffer;
  etag: string;
  lastModified: string | null;
  version: string;
  /** When the body was built. */
  at: number;
  /** When the content version was last found unchanged. */
  checkedAt: number;
}

const RECHECK_MS = 1000;

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  constructor(
    private readonly maxEntries = 300,
    private readonly ttlMs = 10_000,
  ) {}

  /** The entry if it was checked against the content version less than a second ago. */
  recent(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    return e && now - e.checkedAt < RECHECK_MS && now - e.checkedAt >= 0 && now - e.at <= this.ttlMs ? e : undefined;
  }

  get(key: string, version: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (!e || e.version !== version || now - e.at > this.ttlMs) return undefined;
    e.checkedAt = now;
    return e;
  }

  set(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    // Map keeps insertion order: the first key is the least recently stored.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  clear(): void {
    this.entries.clear();
  }
}

export interface SendOptions {
  /** null: build every time (responses that depend on something the data version cannot see, like a revocable token). */
  cache: ResponseCache | null;
  /** Cache key; requests with the same key get the same body. */
  key: string;
  type: string;
  cacheControl: string;
  /** Open to scripts on any origin (public GET endpoints). */
  cors?: boolean;
  build: () => Promise<Rendered>;
}

// Addresses whose last answer came from a cache, per context, for answerFromCache below. Bounded:
// addresses differ by query string too.
interface Address {
  cache: ResponseCache;
  key: string;
  headers: string[]; // name, value, ... : those that do not depend on the entry
}
const MAX_ADDRESSES = 5_000;
const addressBooks = new WeakMap<AppContext, Map<string, Address>>();

function rememberAddress(ctx: AppContext, url: string, o: SendOptions & { cache: ResponseCache }): void {
  let book = addressBooks.get(ctx);
  if (!book) addressBooks.set(ctx, (book = new Map()));
  if (book.has(url)) return;
  if (book.size >= MAX_ADDRESSES) book.delete(book.keys().next().value as string);
  const headers = Object.entries({ 'cache-control': o.cacheControl, vary: 'Accept-Encoding', ...(o.cors ? { 'access-control-allow-origin': '*' } : {}), 'content-type': o.type, ...SECURITY_HEADERS }).flat();
  book.set(url, { cache: o.cache, key: o.key, headers });
}

/**
 * What sendCached would answer to this GET, when it needs nothing but memory: the address was
 * answered from a cache before, its entry was checked against the content version within the
 * last second, and the request is not conditional. Undefined otherwise. (Answered early by
 * web/early-answers.ts, before routing.)
 */
export function answerFromCache(ctx: AppContext, request: IncomingMessage): { status: number; headers: string[]; body: Buffer } | undefined {
  const address = addressBooks.get(ctx)?.get(request.url ?? '');
  if (!address || request.headers['if-none-match'] !== undefined || request.headers['if-modified-since'] !== undefined) return undefined;
  const entry = address.cache.recent(address.key, ctx.clock.now().getTime());
  if (!entry) return undefined;
  const gzip = takesGzip(entry, request);
  if (gzip && !entry.gzip) return undefined;
  const body = gzip ? entry.gzip! : entry.body;
  const headers = ['etag', gzip ? gzipEtag(entry.etag) : entry.etag, ...address.headers, ...(entry.lastModified ? ['last-modified', entry.lastModified] : []), ...(gzip ? ['content-encoding', 'gzip'] : []), 'content-length', String(body.length)];
  return { status: 200, headers, body };
}

const takesGzip = (entry: Entry, request: { headers: IncomingHttpHeaders }) => entry.body.length > 1024 && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
const gzipEtag = (etag: string) => `${etag.slice(0, -1)}-gz"`;

export const etagOf = (body: Buffer | string) => `"${createHash('sha1').update(body).digest('base64url')}"`;

/** Sends a rendered response with ETag/Last-Modified, answering 304 when the client's copy is current. */
export async function sendCached(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, o: SendOptions): Promise<FastifyReply> {
  const now = ctx.clock.now().getTime();
  let entry = o.cache?.recent(o.key, now);
  const version = entry || !o.cache ? '' : await contentVersion(ctx.store.db);
  entry ??= o.cache?.get(o.key, version, now);
  if (!entry) {
    const rendered = await o.build();
    const body = Buffer.from(rendered.body);
    const lm = rendered.lastModified ? Date.parse(rendered.lastModified) : NaN;
    entry = { body, etag: etagOf(body), lastModified: Number.isFinite(lm) ? new Date(lm).toUTCString() : null, version, at: now, checkedAt: now };
    o.cache?.set(o.key, entry);
  }
  if (o.cache && request.method === 'GET') rememberAddress(ctx, request.url, { ...o, cache: o.cache });
  // Each encoding is its own representation with its own strong validator (RFC 9110 8.8.3).
  const gzip = takesGzip(entry, request);
  const etag = gzip ? gzipEtag(entry.etag) : entry.etag;
  reply.header('ETag', etag).header('Cache-Control', o.cacheControl).header('Vary', 'Accept-Encoding');
  if (entry.lastModified) reply.header('Last-Modified', entry.lastModified);
  if (o.cors) reply.header('Access-Control-Allow-Origin', '*');
  if (notModified(request, etag, entry.lastModified)) return reply.code(304).send();
  if (!gzip) return reply.type(o.type).send(entry.body);
  entry.gzip ??= gzipSync(entry.body);
  return reply.type(o.type).header('Content-Encoding', 'gzip').send(entry.gzip);
}

function notModified(request: FastifyRequest, etag: string, lastModified: string | null): boolean {
  const inm = request.headers['if-none-match'];
  if (typeof inm === 'string') {
    // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2); weak comparison for GET.
    return inm
      .split(',')
      .map((t) => t.trim().replace(/^W\//, ''))
      .some((t) => t === etag || t === '*');
  }
  const ims = request.headers['if-modified-since'];
  if (typeof ims === 'string' && lastModified) {
    const since = Date.parse(ims);
    return Number.isFinite(since) && Date.parse(lastModified) <= since;
  }
  return false;
}
