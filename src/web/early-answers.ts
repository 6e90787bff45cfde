// Answers from memory before the framework sees the request. Once an address has been served from
// the page cache (servePage with a HotPage, for anonymous readers) or from a public response cache
// (sendCached: API lists, feeds), later GETs of it are answered straight from Node's request event:
// Fastify's request and reply objects, routing, hook runner and plugins cost as much CPU as Node's
// own HTTP handling for a 3 kB page (bench/results/web.md), several times the answer itself.
// It sends exactly what the routed path sends (test/web/early-answers.test.ts compares the two over
// real sockets), spends from the same rate limit (rate-limit.ts), and leaves to the routed path
// everything it cannot answer without waiting: signed-in readers, new browsers (their nonce cookie
// is set there), revalidations, other methods, entries whose version is unsure, and clients over
// their limit (which get their 429 there).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../context.js';
import { answerFromCache } from '../api/http-cache.js';
import { acceptsGzip } from './accept-encoding.js';
import { cachedPieces, COMPRESS_MIN_BYTES, type HotPage, PAGE_CACHING, pageCache, pageEtag } from './cache.js';
import type { RequestWindows } from './rate-limit.js';
import { HTML_SECURITY_HEADERS } from './security-headers.js';
import { csrfFor, NONCE_COOKIE, SESSION_COOKIE, validNonce } from './session.js';

interface EarlyAnswer {
  status: number;
  headers: string[]; // name, value, name, value...
  body: Buffer | Buffer[]; // pieces are written in one go (one writev), not copied into one buffer
  onHit?: HotPage['onHit'];
}

export interface EarlyAnswerOptions {
  /** The windows @fastify/rate-limit counts routed requests in, and how it keys and bounds them. */
  limit: { windows: RequestWindows; clientKey: (request: IncomingMessage) => string; max: number; windowMs: number };
  /** The cookie parser of the routed path (@fastify/cookie's, with its options). */
  parseCookies: (header: string) => Record<string, string | undefined>;
  /** Runs for every early answer (a metrics counter). */
  onAnswer: () => void;
}

// The headers every page answer carries but its ETag and length, as name, value, name, value... (Node
// takes them so; spreading header objects per request cost 6 µs).
const PAGE = Object.entries({ ...PAGE_CACHING, 'content-type': 'text/html; charset=utf-8', ...HTML_SECURITY_HEADERS }).flat();
const GZIPPED_PAGE = [...PAGE, 'content-encoding', 'gzip'];

/**
 * The request listener's first step: answers the request and returns true, or returns false and
 * leaves it untouched for Fastify.
 */
export function earlyAnswers(ctx: AppContext, { limit, parseCookies, onAnswer }: EarlyAnswerOptions): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    if (request.method !== 'GET') return false;
    const answer: EarlyAnswer | undefined = pageAnswer(ctx, request, parseCookies) ?? answerFromCache(ctx, request);
    if (!answer) return false;
    // Counted once here; a client over its limit is counted again on the routed path, which answers 429.
    if (limit.windows.spend(limit.clientKey(request), limit.windowMs).current > limit.max) return false;
    response.writeHead(answer.status, answer.headers);
    if (Array.isArray(answer.body)) {
      response.cork();
      for (const piece of answer.body) response.write(piece);
      response.end();
      response.uncork();
    } else response.end(answer.body);
    onAnswer();
    answer.onHit?.(request);
    return true;
  };
}

/** A cached page for an anonymous returning reader, as servePage would send it; undefined otherwise. */
function pageAnswer(ctx: AppContext, request: IncomingMessage, parseCookies: EarlyAnswerOptions['parseCookies']): EarlyAnswer | undefined {
  const cache = pageCache(ctx);
  const hot = cache.addressed(request.url ?? '');
  if (!hot || request.headers['if-none-match'] !== undefined) return undefined;
  const cookies = request.headers.cookie === undefined ? {} : parseCookies(request.headers.cookie);
  const nonce = cookies[NONCE_COOKIE];
  if (cookies[SESSION_COOKIE] !== undefined || !validNonce(nonce)) return undefined;
  const entry = cache.peek(hot.key);
  const takesGzip = acceptsGzip(request.headers['accept-encoding']);
  // A page that cannot be spliced is gzipped per request on the normal path.
  if (!entry || (takesGzip && entry.bytes >= COMPRESS_MIN_BYTES && entry.gzip === null)) return undefined;
  const token = csrfFor(ctx, nonce);
  const { pieces, gzipped } = cachedPieces(entry, token, takesGzip);
  const length = pieces.reduce((n, piece) => n + piece.length, 0);
  const headers = ['etag', pageEtag(entry.hash, token, gzipped), ...(gzipped ? GZIPPED_PAGE : PAGE), 'content-length', String(length)];
  return { status: entry.status, headers, body: pieces, onHit: hot.page.onHit };
}
