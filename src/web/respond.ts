// Small helpers shared by the form handlers: JSON for scripts, a local redirect otherwise.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeNext } from '../community/signin.js';
import { sendHtml } from './cache.js';
import type { SafeHtml } from './views/html.js';
import { layout, type PageOptions } from './views/layout.js';

/** site.js asks for JSON (fetch with Accept: application/json); forms get HTML or a redirect. */
export function wantsJson(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? '');
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** Where a form came from, if it is a page of this site; otherwise `fallback`. */
export function backTo(request: FastifyRequest, fallback: string): string {
  const ref = request.headers.referer;
  if (!ref) return fallback;
  try {
    const u = new URL(ref);
    if (u.host !== request.headers.host) return fallback;
    return safeNext(u.pathname + u.search + u.hash) || fallback;
  } catch {
    return fallback;
  }
}

export function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
}

/** A simple page with a heading and a message (results of forms, sign-in steps). */
export function messagePage(request: FastifyRequest, reply: FastifyReply, title: string, body: SafeHtml, status = 200, section?: PageOptions['section']) {
  return sendHtml(request, reply, layout({ title, body, viewer: request.viewer, csrf: request.csrfToken, section }), undefined, status);
}
