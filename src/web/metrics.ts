// Prometheus metrics at /metrics: process defaults plus request counts and durations by route.
// Answered only to loopback clients: scrape it locally or through the reverse proxy's own rules.
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AppError } from '../errors.js';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

export function registerMetrics(app: FastifyInstance): { earlyAnswers: Counter } {
  // One registry per app, so that tests building many apps in one process do not collide.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'paperboy_' });
  const duration = new Histogram({
    name: 'paperboy_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern, method and status class',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });

  const earlyAnswers = new Counter({
    name: 'paperboy_page_cache_early_answers_total',
    help: 'Anonymous page views answered from the page cache before routing (see web/early-answers.ts)',
    registers: [registry],
  });

  // One child per label set, looked up by a plain string: observe(labels, value) hashes the labels
  // object on every call, which cost more than the rest of a cached page view.
  const series = new Map<string, ReturnType<typeof duration.labels>>();
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL: label values stay few whatever clients ask for.
    const route = request.routeOptions.url ?? 'unmatched';
    const status = `${Math.floor(reply.statusCode / 100)}xx`;
    const key = `${route} ${request.method} ${status}`;
    let child = series.get(key);
    if (!child) series.set(key, (child = duration.labels({ route, method: request.method, status })));
    child.observe(reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', async (request, reply) => {
    if (!LOOPBACK.test(request.ip)) throw new AppError('not_found', 'There is no page at this address.');
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return { earlyAnswers };
}
