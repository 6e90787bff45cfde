// The fast path for anonymous readers of cached pages. Once an address has been served from the
// page cache (servePage with a HotPage), later anonymous GETs of it are answered from an onRequest
// hook: after the cookies are parsed and the rate limit is applied, before the remaining hooks, the
// handler and the reply pipeline, which together cost more CPU than the page itself
// (bench/results/web.md).
// It sends exactly what the normal path sends (test/web/hot-pages.test.ts compares the two), and
// leaves to the normal path everything it cannot answer without waiting: signed-in readers, new
// browsers (their nonce cookie is set there), revalidations, and entries whose version is unsure.
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { AppContext } from '../context.js';
import { acceptsGzip } from './accept-encoding.js';
import { cachedBody, COMPRESS_MIN_BYTES, PAGE_CACHING, pageCache, pageEtag } from './cache.js';
import { HTML_SECURITY_HEADERS } from './security-headers.js';
import { csrfFor, NONCE_COOKIE, SESSION_COOKIE, validNonce } from './session.js';

// The headers every answer carries but its ETag and length, as name, value, name, value... (Node
// takes them so; spreading header objects per request cost 6 µs).
const PAGE = Object.entries({ ...PAGE_CACHING, 'content-type': 'text/html; charset=utf-8', ...HTML_SECURITY_HEADERS }).flat();
const GZIPPED_PAGE = [...PAGE, 'content-encoding', 'gzip'];

/**
 * Adds the hook to every GET route. Call after registering the rate-limit plugin: it adds its own
 * hook to each route the same way, and a route's hooks run in the order they were added.
 */
export function registerHotPages(app: FastifyInstance, ctx: AppContext, onAnswer: () => void): void {
  const answerEarly: onRequestHookHandler = (request, reply, done) => {
    const cache = pageCache(ctx);
    const hot = request.method === 'GET' ? cache.addressed(request.url) : undefined;
    const nonce = request.cookies[NONCE_COOKIE];
    if (!hot || request.cookies[SESSION_COOKIE] !== undefined || !validNonce(nonce) || request.headers['if-none-match'] !== undefined) return done();
    const entry = cache.peek(hot.key);
    const takesGzip = acceptsGzip(request.headers['accept-encoding']);
    // A page that cannot be spliced is gzipped per request on the normal path.
    if (!entry || (takesGzip && entry.bytes >= COMPRESS_MIN_BYTES && entry.gzip === null)) return done();
    const token = csrfFor(ctx, nonce);
    const { body, gzipped } = cachedBody(entry, token, takesGzip);
    reply.hijack();
    reply.raw.writeHead(entry.status, ['etag', pageEtag(entry.hash, token, gzipped), ...(gzipped ? GZIPPED_PAGE : PAGE), 'content-length', String(body.length)]);
    reply.raw.end(body);
    onAnswer();
    hot.page.onHit?.(request);
  };
  app.addHook('onRoute', (route) => {
    if (!(route.method === 'GET' || (Array.isArray(route.method) && route.method.includes('GET')))) return;
    route.onRequest = [...(route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]), answerEarly];
  });
}
