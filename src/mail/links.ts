// Signed links in mails: no password, but unforgeable. Each token is the subscriber id plus an HMAC
// (ctx.signer: newest secret signs, every configured secret verifies, so secrets can be rotated)
// over the id, the address and the purpose, so a preferences link cannot unsubscribe someone else,
// and deleting and re-creating an address invalidates its old links.
import type { AppContext } from '../context.js';
import type { Subscriber } from '../store/subscribers.js';

export type LinkPurpose = 'mail-prefs' | 'mail-unsub' | 'mail-confirm';

function message(purpose: LinkPurpose, s: Pick<Subscriber, 'id' | 'email' | 'confirmExpiresAt'>): string {
  // A confirmation link also binds its expiry, so only the newest request's link works.
  return purpose === 'mail-confirm' ? `${s.id}:${s.email}:${s.confirmExpiresAt}` : `${s.id}:${s.email}`;
}

export function linkToken(ctx: AppContext, purpose: LinkPurpose, s: Pick<Subscriber, 'id' | 'email' | 'confirmExpiresAt'>): string {
  return `${s.id}.${ctx.signer.sign(purpose, message(purpose, s))}`;
}

/** The subscriber id a token claims, before it is verified (undefined when malformed). */
export function tokenSubscriberId(token: unknown): number | undefined {
  if (typeof token !== 'string' || token.length > 200) return undefined;
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  return m ? Number(m[1]) : undefined;
}

export function verifyLinkToken(ctx: AppContext, purpose: LinkPurpose, token: string, s: Pick<Subscriber, 'id' | 'email' | 'confirmExpiresAt'>): boolean {
  const dot = token.indexOf('.');
  if (dot < 0 || Number(token.slice(0, dot)) !== s.id) return false;
  return ctx.signer.verify(purpose, message(purpose, s), token.slice(dot + 1));
}

export interface MailLinks {
  preferences: string;
  unsubscribe: string;
  unsubscribeMailto: string;
}

/** Absolute links a mail carries for its subscriber. */
export function mailLinks(ctx: AppContext, s: Subscriber): MailLinks {
  const base = ctx.config.baseUrl;
  const unsub = linkToken(ctx, 'mail-unsub', s);
  return {
    preferences: `${base}/subscription?t=${encodeURIComponent(linkToken(ctx, 'mail-prefs', s))}`,
    unsubscribe: `${base}/unsubscribe?t=${encodeURIComponent(unsub)}`,
    unsubscribeMailto: `mailto:${fromAddress(ctx).replace('@', `+unsubscribe-${unsub}@`)}?subject=unsubscribe`,
  };
}

export function confirmLink(ctx: AppContext, s: Subscriber): string {
  return `${ctx.config.baseUrl}/subscribe/confirm?t=${encodeURIComponent(linkToken(ctx, 'mail-confirm', s))}`;
}

/** The sender's address, display name and domain: read for every message, worked out once per
 * configuration (which is frozen). */
interface Identity {
  fromAddress: string;
  fromName: string;
  mailDomain: string;
}

const identities = new WeakMap<AppContext['config'], Identity>();

function identity(ctx: AppContext): Identity {
  let id = identities.get(ctx.config);
  if (!id) {
    const from = ctx.config.PAPERBOY_MAIL_FROM;
    const m = /<([^<>\s]+@[^<>\s]+)>/.exec(from);
    const name = from.includes('<') ? from.slice(0, from.indexOf('<')).trim().replace(/^"|"$/g, '') : '';
    let domain: string;
    try {
      domain = new URL(ctx.config.baseUrl).hostname || 'localhost';
    } catch {
      domain = 'localhost';
    }
    id = { fromAddress: (m ? m[1] : from.trim()).replace(/[\r\n]/g, ''), fromName: (name || 'paperboy').replace(/[\r\n]/g, ' '), mailDomain: domain };
    identities.set(ctx.config, id);
  }
  return id;
}

/** The bare address of PAPERBOY_MAIL_FROM ("paperboy <paperboy@example.org>" -> paperboy@example.org). */
export function fromAddress(ctx: AppContext): string {
  return identity(ctx).fromAddress;
}

/** The display name of PAPERBOY_MAIL_FROM, defaulting to "paperboy". */
export function fromName(ctx: AppContext): string {
  return identity(ctx).fromName;
}

/** The instance's domain, for Message-ID and List-Id. */
export function mailDomain(ctx: AppContext): string {
  return identity(ctx).mailDomain;
}
