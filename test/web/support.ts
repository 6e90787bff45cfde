// Helpers for the web tests: papers in the store, a signed-in browser, form posts through inject().
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { AppContext } from '../../src/context.js';
import { hashToken, randomToken } from '../../src/signing.js';
import { featurePaper, type PaperInput, upsertPapers } from '../../src/store/papers.js';
import { createSession } from '../../src/store/sessions.js';
import { ensureUser, type User } from '../../src/store/users.js';

export function paper(id: string, over: Partial<PaperInput> = {}): PaperInput {
  return {
    id,
    version: 1,
    title: `Paper ${id} on $\\alpha$-stable learning`,
    abstract: `We study $x^2$ in paper ${id}. `.repeat(12),
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'],
    categories: ['cs.LG', 'stat.ML'],
    publishedAt: '2026-11-19T10:00:00Z',
    updatedAt: '2026-11-19T10:00:00Z',
    links: { abs: `https://arxiv.org/abs/${id}`, pdf: `https://arxiv.org/pdf/${id}` },
    source: 'arxiv',
    ...over,
  };
}

/** Stores the papers and puts them on the list of `day`. */
export async function seed(ctx: AppContext, papers: PaperInput[], day = '2026-11-20'): Promise<void> {
  await upsertPapers(ctx.store.db, papers, ctx.clock.now().toISOString());
  for (const p of papers) await featurePaper(ctx.store.db, { paperId: p.id, day, submittedBy: null, submittedAt: ctx.clock.now().toISOString() });
}

export interface Browser {
  user: User | null;
  cookie: string;
  csrf: string;
  nonce: string;
}

/** An anonymous browser: a nonce cookie and its CSRF token. */
export function anonymous(ctx: AppContext): Browser {
  const nonce = randomToken(18);
  return { user: null, nonce, cookie: `pb_nonce=${nonce}`, csrf: ctx.signer.sign('csrf', nonce) };
}

/** A browser signed in as `email` (account created with `role`). */
export async function signedIn(ctx: AppContext, email: string, role: User['role'] = 'member'): Promise<Browser> {
  const now = ctx.clock.now();
  const user = await ensureUser(ctx.store.db, email, role, now.toISOString());
  const token = randomToken(32);
  await createSession(ctx.store.db, { hash: hashToken(token), userId: user.id, now: now.toISOString(), expiresAt: new Date(now.getTime() + 86_400_000).toISOString(), userAgent: 'test', ip: '127.0.0.1' });
  const b = anonymous(ctx);
  return { ...b, user, cookie: `${b.cookie}; pb_session=${token}` };
}

export function get(app: FastifyInstance, url: string, b?: Browser, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(b ? { cookie: b.cookie } : {}), ...headers } });
}

export function post(app: FastifyInstance, url: string, b: Browser, form: Record<string, string>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: b.cookie, ...headers },
    payload: new URLSearchParams({ _csrf: b.csrf, ...form }).toString(),
  });
}
