// Sign-in by emailed link, sign-out, and the settings page (display name, sessions).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { badRequest } from '../../errors.js';
import { enforceLimit } from '../../community/limits.js';
import { completeSignIn, normalizeEmail, requestSignIn, safeNext, signOut } from '../../community/signin.js';
import { hashToken } from '../../signing.js';
import { deleteSession, listSessions } from '../../store/sessions.js';
import { noteContentChange } from '../../store/daily.js';
import { setDisplayName } from '../../store/users.js';
import { field, messagePage } from '../respond.js';
import { cookieOptions, NONCE_COOKIE, requireViewer, SESSION_COOKIE } from '../session.js';
import { html } from '../views/html.js';

type Req = FastifyRequest<{ Querystring: Record<string, string | undefined> }>;

export function signInForm(_ctx: AppContext) {
  return async (request: Req, reply: FastifyReply) => {
    const next = safeNext(request.query.next);
    if (request.viewer) return reply.redirect(next, 303);
    return messagePage(
      request,
      reply,
      'Sign in',
      html`<section class="narrow">
<h1>Sign in</h1>
<p>Enter your e-mail address and we will send you a link that signs you in. No password needed; a new address gets a new account.</p>
<form method="post" action="/signin" class="stack" data-enhance="signin">
  <input type="hidden" name="_csrf" value="${request.csrfToken}">
  <input type="hidden" name="next" value="${next}">
  <label for="email">E-mail address</label>
  <input id="email" name="email" type="email" required autocomplete="email" autofocus>
  <button type="submit">Send me a sign-in link</button>
</form>
</section>`,
    );
  };
}

export function signInRequest(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const email = normalizeEmail(field(request.body, 'email'));
    enforceLimit(ctx, 'signin', { account: email, ip: request.ip });
    await requestSignIn(ctx, { email, nonce: request.cookies[NONCE_COOKIE] ?? '', next: field(request.body, 'next') });
    // The same answer whether or not the address has an account.
    return messagePage(
      request,
      reply,
      'Check your inbox',
      html`<section class="narrow"><h1>Check your inbox</h1>
<p>If <strong>${email}</strong> can receive mail, a sign-in link is on its way. Open it in this browser within 15 minutes.</p>
<p class="muted">Nothing arrived? Look in the spam folder, or <a href="/signin">ask again</a>.</p></section>`,
    );
  };
}

export function signInConfirm(_ctx: AppContext) {
  return async (request: Req, reply: FastifyReply) => {
    const token = String(request.query.token ?? '');
    if (!token || token.length > 100) throw badRequest('This sign-in link is not valid. Ask for a new one.');
    // A button rather than signing in on GET: mail scanners that prefetch links cannot use it up.
    return messagePage(
      request,
      reply,
      'Finish signing in',
      html`<section class="narrow"><h1>Finish signing in</h1>
<form method="post" action="/signin/verify" class="stack">
  <input type="hidden" name="_csrf" value="${request.csrfToken}">
  <input type="hidden" name="token" value="${token}">
  <button type="submit" autofocus>Sign in to paperboy</button>
</form></section>`,
    );
  };
}

export function signInVerify(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const r = await completeSignIn(ctx, {
      token: field(request.body, 'token'),
      nonce: request.cookies[NONCE_COOKIE] ?? '',
      userAgent: request.headers['user-agent'] ?? null,
      ip: request.ip,
    });
    reply.setCookie(SESSION_COOKIE, r.sessionToken, cookieOptions(ctx, r.maxAgeSeconds));
    return reply.redirect(r.next, 303);
  };
}

export function signOutAction(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (request.viewer && token) await signOut(ctx, request.viewer, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  };
}

export function settingsPage(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const user = requireViewer(request);
    const now = ctx.clock.now().toISOString();
    const sessions = await listSessions(ctx.store.db, user.id, now);
    const current = hashToken(request.cookies[SESSION_COOKIE] ?? '');
    return messagePage(
      request,
      reply,
      'Settings',
      html`<section class="narrow settings">
<h1>Settings</h1>
<p>Signed in as <strong>${user.email}</strong> · role: ${user.role}</p>
<h2>Display name</h2>
<form method="post" action="/settings/name" class="stack">
  <input type="hidden" name="_csrf" value="${request.csrfToken}">
  <label for="display-name">Shown next to your comments and submissions</label>
  <input id="display-name" name="name" required maxlength="60" value="${user.displayName}">
  <button type="submit">Save</button>
</form>
<h2>Where you are signed in</h2>
<ul class="sessions">
${sessions.map(
  (s) => html`<li><span>${s.userAgent ? s.userAgent.slice(0, 80) : 'unknown browser'}${s.id === current ? html` <strong>(this browser)</strong>` : ''}<br>
  <span class="muted">since ${s.createdAt.slice(0, 16).replace('T', ' ')} · last seen ${s.lastSeenAt.slice(0, 16).replace('T', ' ')}${s.ip ? ` · ${s.ip}` : ''}</span></span>
  <form method="post" action="/settings/sessions/revoke" class="inline"><input type="hidden" name="_csrf" value="${request.csrfToken}"><input type="hidden" name="session" value="${s.id}"><button type="submit">Sign out${s.id === current ? '' : ' there'}</button></form></li>`,
)}
</ul>
<p><a href="/subscriptions">E-mail digests</a></p>
</section>`,
    );
  };
}

export function settingsName(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const user = requireViewer(request);
    const name = field(request.body, 'name').replace(/\s+/g, ' ').trim();
    if (!name || name.length > 60) throw badRequest('Display names are 1 to 60 characters.');
    await setDisplayName(ctx.store.db, user.id, name);
    noteContentChange(); // the name is shown on cached pages
    return reply.redirect('/settings', 303);
  };
}

export function revokeSession(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const user = requireViewer(request);
    const id = field(request.body, 'session');
    if (!/^[0-9a-f]{64}$/.test(id)) throw badRequest('Unknown session.');
    await deleteSession(ctx.store.db, user.id, id);
    if (id === hashToken(request.cookies[SESSION_COOKIE] ?? '')) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/', 303);
    }
    return reply.redirect('/settings', 303);
  };
}
