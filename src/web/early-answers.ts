// The fast path for cached answers. Once an address has been served from the page cache (servePage
// with a HotPage, for anonymous readers) or from a public response cache (sendCached: API lists,
// feeds), later GETs of it are answered from an onRequest hook: after the cookies are parsed and the
// rate limit is applied, before the remaining hooks, the handler and the reply pipeline, which
// together cost more CPU than the answer itself (bench/results/web.md).
// It sends exactly what the normal path sends (test/web/hot-pages.test.ts compares the two), and
// leaves to the normal path everything it cannot answer without waiting: signed-in readers, new
// browsers (their nonce cookie is set there), revalidations, and entries whose version is unsure.
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AppContext } from '../context.js';
import { answerFromCache } from '../api/http-cache.js';
import { acceptsGzip } from './accept-encoding.js';
import { cachedBody, COMPRESS_MIN_BYTES, type HotPage, PAGE_CACHING, pageCache, pageEtag } from './cache.js';
import { HTML_SECURITY_HEADERS } from './security-headers.js';
import { csrfFor, NONCE_COOKIE, SESSION_COOKIE, validNonce } from './session.js';

interface EarlyAnswer {
  status: number;
  headers: string[]; // name, value, name, value...
  body: Buffer;
  onHit?: HotPage['onHit'];
}

// The headers every page answer carries but its ETag and length, as name, value, name, value... (Node
// takes them so; spreading header objects per request cost 6 µs).
const PAGE = Object.entries({ ...PAGE_CACHING, 'content-type': 'text/html; charset=utf-8', ...HTML_SECURITY_HEADERS }).flat();
const GZIPPED_PAGE = [...PAGE, 'content-encoding', 'gzip'];

/**
 * Adds the hook to every GET route. Call after registering the rate-limit plugin: it adds its own
 * hook to each route the same way, and a route's hooks run in the order they were added.
 */
export function registerHotPages(app: FastifyInstance, ctx: AppContext, onAnswer: () => void): void {
  const answerEarly: onRequestHookHandler = (request, reply, done) => {
    const answer: EarlyAnswer | undefined = request.method === 'GET' ? (pageAnswer(ctx, request) ?? answerFromCache(ctx, request)) : undefined;
    if (!answer) return done();
    reply.hijack();
    reply.raw.writeHead(answer.status, answer.headers);
    reply.raw.end(answer.body);
    onAnswer();
    answer.onHit?.(request);
  };
  app.addHook('onRoute', (route) => {
    if (!(route.method === 'GET' || (Array.isArray(route.method) && route.method.includes('GET')))) return;
    route.onRequest = [...(route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]), answerEarly];
  });
}

/** A cached page for an anonymous returning reader, as servePage would send it; undefined otherwise. */
function pageAnswer(ctx: AppContext, request: FastifyRequest): EarlyAnswer | undefined {
  const cache = pageCache(ctx);
  const hot = cache.addressed(request.url);
  const nonce = request.cookies[NONCE_COOKIE];
  if (!hot || request.cookies[SESSION_COOKIE] !== undefined || !validNonce(nonce) || request.headers['if-none-match'] !== undefined) return undefined;
  const entry = cache.peek(hot.key);
  const takesGzip = acceptsGzip(request.headers['accept-encoding']);
  // A page that cannot be spliced is gzipped per request on the normal path.
  if (!entry || (takesGzip && entry.bytes >= COMPRESS_MIN_BYTES && entry.gzip === null)) return undefined;
  const token = csrfFor(ctx, nonce);
  const { body, gzipped } = cachedBody(entry, token, takesGzip);
  const headers = ['etag', pageEtag(entry.hash, token, gzipped), ...(gzipped ? GZIPPED_PAGE : PAGE), 'content-length', String(body.length)];
  return { status: entry.status, headers, body, onHit: hot.page.onHit };
}
