// Renders every error in one place: JSON `{"error": ...}` for the API and feeds, an HTML page
// otherwise. Unexpected errors are logged and shown without internals.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { html } from './views/html.js';
import { layout } from './views/layout.js';

export function renderError(ctx: AppContext, error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const appError = toAppError(error);
  if (appError.status >= 500) ctx.log.error({ err: error, url: request.url.split('?')[0] }, 'request failed');
  if (appError.code === 'rate_limited') {
    const wait = Number(appError.details?.retryAfter);
    if (wait > 0) reply.header('Retry-After', String(wait));
    else if (!reply.getHeader('retry-after')) reply.header('Retry-After', '60');
  }
  reply.status(appError.status);
  const wantsJson = request.url.startsWith('/api/') || !String(request.headers.accept ?? 'text/html').includes('text/html');
  if (wantsJson) return reply.type('application/json; charset=utf-8').send({ error: appError.message });
  if (appError.code === 'unauthorized' && request.method === 'GET') {
    return reply.redirect(`/signin?next=${encodeURIComponent(request.url)}`, 303);
  }
  const body = html`<section class="error-page">
  <h1>${titleOf(appError.status)}</h1>
  <p>${appError.message}</p>
  <p><a href="/">Back to today's papers</a></p>
</section>`;
  return reply
    .type('text/html; charset=utf-8')
    .send(layout({ title: titleOf(appError.status), body, viewer: request.viewer ?? null, csrf: request.csrfToken ?? '' }));
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError;
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode < 500) {
    if (fe.statusCode === 429) return new AppError('rate_limited', fe.message);
    if (fe.statusCode === 413) return new AppError('payload_too_large', 'That request is too large.');
    if (fe.statusCode === 404) return new AppError('not_found', 'There is no page at this address.');
    return new AppError('bad_request', fe.validation ? `Invalid request: ${fe.message}` : fe.message || 'Bad request');
  }
  return new AppError('internal', 'Something went wrong on our side. It has been logged.');
}

function titleOf(status: number): string {
  return (
    { 400: 'Bad request', 401: 'Sign in needed', 403: 'Not allowed', 404: 'Not found', 409: 'Conflict', 413: 'Too large', 429: 'Slow down' }[status] ??
    'Server error'
  );
}
