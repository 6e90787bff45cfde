// Browser-less helpers for the mail routes: a CSRF-carrying form session over Fastify inject().
import type { FastifyInstance } from 'fastify';

export interface FormSession {
  cookie: string;
  csrf: string;
}

export async function formSession(app: FastifyInstance, path = '/subscribe'): Promise<FormSession> {
  const res = await app.inject({ method: 'GET', url: path });
  const nonce = res.cookies.find((c) => c.name === 'pb_nonce');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
  if (!nonce || !csrf) throw new Error(`no form session from ${path}: ${res.statusCode}`);
  return { cookie: `pb_nonce=${nonce.value}`, csrf };
}

export function postForm(app: FastifyInstance, s: FormSession | null, url: string, fields: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(s ? { cookie: s.cookie } : {}) },
    payload: new URLSearchParams({ ...(s ? { _csrf: s.csrf } : {}), ...fields }).toString(),
  });
}

/** The site-relative path of an absolute link in a mail (the tests' base URL is not a real host). */
export function localPath(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}
