// Builds the HTTP application: shared plugins, security headers, sessions and CSRF, the one error
// renderer, then each domain's routes. Handlers live with their domain; this file only assembles.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { earlyAnswers } from './early-answers.js';
import { clientKeys, RequestWindows } from './rate-limit.js';
import { registerSession } from './session.js';
import { renderError } from './error-page.js';
import { HTML_SECURITY_HEADERS, SECURITY_HEADERS } from './security-headers.js';
import { registerMetrics } from './metrics.js';
import webRoutes from './routes.js';
import apiRoutes from '../api/routes.js';
import feedRoutes from '../feeds/routes.js';
import mailRoutes from '../mail/routes.js';
import searchRoutes from '../search/routes.js';
import trendingRoutes from '../rank/routes.js';

export type DomainRoutes = (app: FastifyInstance, ctx: AppContext) => Promise<void> | void;

const RATE_WINDOW_MS = 60_000;

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  // Node's request event goes first to the early answers (set once the routes that feed them are
  // registered), then to Fastify.
  let answerEarly = (_request: IncomingMessage, _response: ServerResponse) => false;
  const app = Fastify({
    serverFactory: (fastifyHandler) => {
      const server = createServer((request, response) => {
        if (!answerEarly(request, response)) fastifyHandler(request, response);
      });
      // As Fastify sets up a server it makes itself, with its default timeouts.
      server.keepAliveTimeout = 72_000;
      server.requestTimeout = 0;
      server.setTimeout(0);
      return server;
    },
    logger: false, // requests are logged below through the shared pino logger, with secrets redacted
    trustProxy: ctx.config.PAPERBOY_TRUST_PROXY,
    bodyLimit: 1_048_576,
    routerOptions: { maxParamLength: 500, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true }, // huggingface_hub with endpoint="http://host/" asks for //api/...
  });

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 262_144 });
  // One set of per-client windows for routed requests and early answers alike (rate-limit.ts).
  const windows = new RequestWindows();
  const clientKey = clientKeys(ctx.config.PAPERBOY_TRUST_PROXY);
  await app.register(rateLimit, {
    global: true,
    max: ctx.config.PAPERBOY_RATE_LIMIT_PER_MIN,
    timeWindow: RATE_WINDOW_MS,
    store: windows.asStore(),
    keyGenerator: (request) => clientKey(request.raw),
    // Limit headers only on the 429 itself: three extra headers on every page help nobody.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_req, context) => {
      const err = new AppError('rate_limited', `Too many requests. Try again in ${Math.ceil(context.ttl / 1000)} seconds.`);
      return err;
    },
  });

  const metrics = registerMetrics(app);

  // Synchronous hooks (done callbacks): these run on every response, and a promise per hook shows
  // up in the web benchmark.
  app.addHook('onSend', (request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    reply.headers(typeof type === 'string' && type.startsWith('text/html') ? HTML_SECURITY_HEADERS : SECURITY_HEADERS);
    done(null, payload);
  });

  if (ctx.log.isLevelEnabled('debug')) {
    app.addHook('onResponse', (request, reply, done) => {
      ctx.log.debug({ method: request.method, url: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
      done();
    });
  }

  registerSession(app, ctx);

  app.setErrorHandler((error, request, reply) => renderError(ctx, error, request, reply));
  app.setNotFoundHandler((request, reply) => renderError(ctx, new AppError('not_found', 'There is no page at this address.'), request, reply));

  app.get('/healthz', async () => ({ ok: true }));

  const domains: DomainRoutes[] = [webRoutes, apiRoutes, feedRoutes, mailRoutes, searchRoutes, trendingRoutes];
  for (const routes of domains) await routes(app, ctx);

  await app.ready();
  answerEarly = earlyAnswers(ctx, {
    limit: { windows, clientKey, max: ctx.config.PAPERBOY_RATE_LIMIT_PER_MIN, windowMs: RATE_WINDOW_MS },
    parseCookies: (header) => app.parseCookie(header),
    onAnswer: () => metrics.earlyAnswers.inc(),
  });
  return app;
}
