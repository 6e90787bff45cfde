// Who is asking, and the CSRF token of their browser. Every request gets `request.viewer` (the
// signed-in user or null) and `request.csrfToken`; every POST must carry that token, except routes
// that opt out with `config: { csrf: false }` (RFC 8058 one-click unsubscribe, token-authenticated API).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { hashToken, randomToken } from '../signing.js';
import { touchSession } from '../store/sessions.js';
import { type User, userBySession } from '../store/users.js';

// Settings show when each session was last used; writing that on every request would cost a write
// per page view, so it is refreshed at most every 10 minutes per session.
const TOUCH_EVERY_MS = 10 * 60_000;
const touched = new Map<string, number>();

export const SESSION_COOKIE = 'pb_session';
export const NONCE_COOKIE = 'pb_nonce';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: User | null;
    csrfToken: string;
  }
  interface FastifyContextConfig {
    csrf?: boolean;
  }
}

export function cookieOptions(ctx: AppContext, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.config.baseUrl.startsWith('https://'),
    ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
  };
}

// A browser's CSRF token is an HMAC of its nonce; returning browsers hit this small cache instead of
// computing it on every page view.
const csrfCache = new WeakMap<AppContext, Map<string, string>>();
export function csrfFor(ctx: AppContext, nonce: string): string {
  let cache = csrfCache.get(ctx);
  if (!cache) csrfCache.set(ctx, (cache = new Map()));
  let token = cache.get(nonce);
  if (token === undefined) {
    token = ctx.signer.sign('csrf', nonce);
    if (cache.size >= 10_000) cache.delete(cache.keys().next().value as string);
    cache.set(nonce, token);
  }
  return token;
}

/** A nonce cookie worth keeping; any other value is replaced by a fresh one. */
export const validNonce = (nonce: string | undefined): nonce is string => nonce !== undefined && nonce.length >= 16 && nonce.length <= 100;

export function registerSession(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('viewer', null);
  app.decorateRequest('csrfToken', '');

  app.addHook('preHandler', async (request, reply) => {
    // A per-browser nonce cookie anchors the CSRF token, so anonymous forms (subscribe) are covered too.
    let nonce = request.cookies[NONCE_COOKIE];
    if (!validNonce(nonce)) {
      nonce = randomToken(18);
      reply.setCookie(NONCE_COOKIE, nonce, cookieOptions(ctx, 365 * 86400));
    }
    request.csrfToken = csrfFor(ctx, nonce);

    const session = request.cookies[SESSION_COOKIE];
    if (session && session.length <= 100) {
      const hash = hashToken(session);
      const now = ctx.clock.now();
      request.viewer = (await userBySession(ctx.store.db, hash, now.toISOString())) ?? null;
      if (request.viewer && now.getTime() - (touched.get(hash) ?? 0) >= TOUCH_EVERY_MS) {
        if (touched.size > 100_000) touched.clear();
        touched.set(hash, now.getTime());
        touchSession(ctx.store.db, hash, now.toISOString()).catch((err) => ctx.log.warn({ err: (err as Error).message }, 'session touch failed'));
      }
    }

    if (request.method === 'POST' && request.routeOptions.config?.csrf !== false) {
      const body = request.body as Record<string, unknown> | undefined;
      const given = (typeof body?._csrf === 'string' && body._csrf) || request.headers['x-csrf-token'];
      if (typeof given !== 'string' || !request.cookies[NONCE_COOKIE] || !ctx.signer.verify('csrf', request.cookies[NONCE_COOKIE]!, given)) {
        throw new AppError('forbidden', 'This form has expired or did not come from this site. Go back, reload the page and try again.');
      }
    }
  });
}

/** Throws unless someone is signed in (pages redirect to /signin through the error handler). */
export function requireViewer(request: FastifyRequest): User {
  if (!request.viewer) throw new AppError('unauthorized', 'Sign in to do this.');
  return request.viewer;
}

export function requireRole(request: FastifyRequest, ...roles: User['role'][]): User {
  const user = requireViewer(request);
  if (!roles.includes(user.role)) throw new AppError('forbidden', 'You do not have permission to do this.');
  return user;
}

export type { FastifyReply };
