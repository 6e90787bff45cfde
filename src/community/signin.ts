// Passwordless sign-in: an emailed one-time link, valid for a short time, usable once, and only in
// the browser that asked for it (bound to its pb_nonce cookie). Then a session cookie.
import type { AppContext } from '../context.js';
import { AppError, badRequest } from '../errors.js';
import { createMailer, type Mailer } from '../mail/mailer.js';
import { hashToken, randomToken } from '../signing.js';
import { consumeLoginToken, countRecentLoginTokens, createLoginToken } from '../store/login-tokens.js';
import { createSession, deleteSession } from '../store/sessions.js';
import { ensureUser, getUserByEmail, type User } from '../store/users.js';

export const LINK_MINUTES = 15;
export const SESSION_DAYS = 30;
const PER_ADDRESS = 3; // links per address per LINK_MINUTES: no mail bombing through this form

/** A local path to return to after sign-in, or '/' (never another site: no open redirect). */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 500) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\x00-\x1f\\]/.test(next)) return '/';
  return next;
}

export function normalizeEmail(email: unknown): string {
  const e = typeof email === 'string' ? email.trim().toLowerCase() : '';
  if (e.length > 254 || !/^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/.test(e)) throw badRequest('That does not look like an e-mail address.');
  return e;
}

/**
 * Sends a sign-in link to `email` (whether or not an account exists: the caller answers the same
 * either way). `nonce` is the asking browser's pb_nonce cookie.
 */
export async function requestSignIn(ctx: AppContext, input: { email: string; nonce: string; next?: string }, mailer?: Mailer): Promise<void> {
  const email = normalizeEmail(input.email);
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - LINK_MINUTES * 60_000).toISOString();
  if ((await countRecentLoginTokens(ctx.store.db, email, since)) >= PER_ADDRESS) {
    ctx.log.info('sign-in link not sent: too many for this address');
    return; // silently: the answer must not reveal anything about the address
  }
  const token = randomToken(32);
  await createLoginToken(ctx.store.db, {
    tokenHash: hashToken(token),
    email,
    bindingHash: hashToken(input.nonce),
    nextPath: safeNext(input.next),
    now: now.toISOString(),
    expiresAt: new Date(now.getTime() + LINK_MINUTES * 60_000).toISOString(),
  });
  const link = `${ctx.config.baseUrl}/signin/verify?token=${encodeURIComponent(token)}`;
  const own = !mailer;
  const m = mailer ?? createMailer(ctx);
  try {
    await m.send({
      to: email,
      subject: 'Your paperboy sign-in link',
      text: `Open this link to sign in to paperboy:\n\n${link}\n\nIt works once, for ${LINK_MINUTES} minutes, in the browser where you asked for it.\nIf you did not ask to sign in, ignore this mail.\n`,
    });
  } catch (err) {
    ctx.log.error({ err: (err as Error).message }, 'sign-in mail failed');
    throw new AppError('upstream', 'We could not send the mail just now. Try again in a minute.');
  } finally {
    if (own) m.close();
  }
}

const reasons = {
  unknown: 'This sign-in link is not valid. Ask for a new one.',
  used: 'This sign-in link has already been used. Ask for a new one.',
  expired: `This sign-in link has expired (links last ${LINK_MINUTES} minutes). Ask for a new one.`,
  other_browser: 'Open the sign-in link in the same browser where you asked for it, or ask for a new one here.',
};

/** Checks the emailed token and opens a session; returns the cookie token and where to go. */
export async function completeSignIn(
  ctx: AppContext,
  input: { token: string; nonce: string; userAgent?: string | null; ip?: string | null },
): Promise<{ user: User; sessionToken: string; next: string; maxAgeSeconds: number }> {
  if (typeof input.token !== 'string' || input.token.length < 20 || input.token.length > 100) throw badRequest(reasons.unknown);
  const now = ctx.clock.now();
  const r = await consumeLoginToken(ctx.store.db, hashToken(input.token), hashToken(input.nonce ?? ''), now.toISOString());
  if (!r.ok) throw badRequest(reasons[r.reason]);
  const admin = ctx.config.PAPERBOY_ADMIN_EMAILS.map((e) => e.toLowerCase()).includes(r.email);
  const existing = await getUserByEmail(ctx.store.db, r.email);
  const user = existing ?? (await ensureUser(ctx.store.db, r.email, admin ? 'admin' : 'member', now.toISOString()));
  if (user.suspended) throw new AppError('forbidden', 'This account is suspended.');
  const sessionToken = randomToken(32);
  await createSession(ctx.store.db, {
    hash: hashToken(sessionToken),
    userId: user.id,
    now: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString(),
    userAgent: input.userAgent?.slice(0, 300) ?? null,
    ip: input.ip ?? null,
  });
  return { user, sessionToken, next: safeNext(r.nextPath), maxAgeSeconds: SESSION_DAYS * 86_400 };
}

export async function signOut(ctx: AppContext, user: User, sessionToken: string): Promise<void> {
  await deleteSession(ctx.store.db, user.id, hashToken(sessionToken));
}
