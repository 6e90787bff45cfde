// Routes of subscriptions: subscribe, confirm, preferences (signed link or member settings),
// one-click unsubscribe (RFC 8058), and the development mailbox at /dev/mail.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { requireViewer } from '../web/session.js';
import { layout } from '../web/views/layout.js';
import type { SafeHtml } from '../web/views/html.js';
import { confirmSubscriber, ensureMemberSubscriber, getSubscriber, unsubscribe, updatePreferences, type Subscriber } from '../store/subscribers.js';
import { linkToken, mailLinks, tokenSubscriberId, verifyLinkToken, type LinkPurpose } from './links.js';
import { parsePreferencesForm } from './preferences.js';
import { subscribe } from './subscriptions.js';
import { closeMailTransport, devMailboxMode } from './transport.js';
import { listMailFiles, readMail } from './dev-mailbox.js';
import * as pages from './pages.js';

type Req = FastifyRequest<{ Querystring: Record<string, string | undefined>; Body: Record<string, unknown> | undefined; Params: Record<string, string> }>;

export default async function routes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const page = (request: FastifyRequest, reply: FastifyReply, title: string, body: SafeHtml, status = 200) =>
    reply
      .status(status)
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .send(layout({ title, body, viewer: request.viewer, csrf: request.csrfToken }));

  /** The subscriber a signed link names, or an error page that says the link is not valid. */
  async function fromToken(purpose: LinkPurpose, token: unknown): Promise<{ subscriber: Subscriber; token: string }> {
    const id = tokenSubscriberId(token);
    const subscriber = id === undefined ? undefined : await getSubscriber(ctx.store.db, id);
    if (!subscriber || !verifyLinkToken(ctx, purpose, token as string, subscriber)) {
      throw new AppError('not_found', 'This link is not valid (any more). Use the link in your newest mail, or subscribe again.');
    }
    return { subscriber, token: token as string };
  }

  app.addHook('onClose', async () => closeMailTransport(ctx));

  app.get('/subscribe', async (request, reply) => page(request, reply, 'Subscribe', pages.subscribeFormPage(request.csrfToken)));

  app.post('/subscribe', { config: { rateLimit: { max: 10, timeWindow: 60_000 } } }, async (request: Req, reply) => {
    await subscribe(ctx, request.body?.email);
    return page(request, reply, 'Check your inbox', pages.checkInboxPage());
  });

  app.get('/subscribe/confirm', async (request: Req, reply) => {
    const { subscriber, token } = await fromToken('mail-confirm', request.query.t);
    if (subscriber.status !== 'pending') return page(request, reply, 'Already confirmed', pages.messagePage('Already confirmed', 'This subscription is confirmed already.', { href: mailLinks(ctx, subscriber).preferences, label: 'Change what you receive' }));
    return page(request, reply, 'Confirm your subscription', pages.confirmPage(token, request.csrfToken, subscriber.email));
  });

  app.post('/subscribe/confirm', async (request: Req, reply) => {
    const { subscriber } = await fromToken('mail-confirm', request.body?.t);
    const ok = subscriber.status === 'pending' && (await confirmSubscriber(ctx.store.db, subscriber.id, ctx.clock.now().toISOString()));
    if (!ok && subscriber.status === 'pending') throw new AppError('bad_request', 'This confirmation link has expired. Subscribe again to get a new one.');
    return reply.redirect(`/subscription?t=${encodeURIComponent(linkToken(ctx, 'mail-prefs', subscriber))}&notice=confirmed`, 303);
  });

  const notices: Record<string, string> = { confirmed: 'Subscription confirmed. Your first digest comes with the next announcement.', saved: 'Preferences saved.' };

  app.get('/subscription', async (request: Req, reply) => {
    const { subscriber, token } = await fromToken('mail-prefs', request.query.t);
    const notice = notices[request.query.notice ?? ''];
    const unsubscribeUrl = mailLinks(ctx, subscriber).unsubscribe;
    return page(request, reply, 'Your digest', pages.preferencesPage({ subscriber, action: '/subscription', csrf: request.csrfToken, token, notice, unsubscribeUrl }));
  });

  app.post('/subscription', async (request: Req, reply) => {
    const { subscriber, token } = await fromToken('mail-prefs', request.body?.t);
    if (subscriber.status === 'pending' || subscriber.status === 'suspended') throw new AppError('conflict', 'This subscription cannot be changed right now.');
    const form = parsePreferencesForm(request.body);
    await updatePreferences(ctx.store.db, subscriber.id, form, form.active, ctx.clock.now().toISOString());
    return reply.redirect(`/subscription?t=${encodeURIComponent(token)}&notice=saved`, 303);
  });

  app.get('/unsubscribe', async (request: Req, reply) => {
    const { subscriber, token } = await fromToken('mail-unsub', request.query.t);
    if (subscriber.status === 'unsubscribed') return page(request, reply, 'Unsubscribed', pages.messagePage('You are unsubscribed', 'No more digests will be sent to this address.'));
    return page(request, reply, 'Unsubscribe', pages.unsubscribePage(`/unsubscribe?t=${encodeURIComponent(token)}`, subscriber.email));
  });

  // RFC 8058 one-click: mail providers POST here without cookies, so no session and no CSRF token;
  // the signed token in the URL is the authority. Takes effect immediately.
  app.post('/unsubscribe', { config: { csrf: false } }, async (request: Req, reply) => {
    const { subscriber } = await fromToken('mail-unsub', request.query.t);
    await unsubscribe(ctx.store.db, subscriber.id, ctx.clock.now().toISOString());
    return page(
      request,
      reply,
      'Unsubscribed',
      pages.messagePage('You are unsubscribed', `No more digests will be sent to ${subscriber.email}. Changed your mind?`, { href: mailLinks(ctx, subscriber).preferences, label: 'Subscribe again' }),
    );
  });

  app.get('/settings/subscription', async (request, reply) => {
    const viewer = requireViewer(request);
    const subscriber = await ensureMemberSubscriber(ctx.store.db, viewer.id, viewer.email, ctx.clock.now().toISOString());
    const notice = notices[(request.query as Record<string, string>).notice ?? ''];
    return page(request, reply, 'Your digest', pages.preferencesPage({ subscriber, action: '/settings/subscription', csrf: request.csrfToken, notice }));
  });

  app.post('/settings/subscription', async (request: Req, reply) => {
    const viewer = requireViewer(request);
    const subscriber = await ensureMemberSubscriber(ctx.store.db, viewer.id, viewer.email, ctx.clock.now().toISOString());
    if (subscriber.status === 'suspended') throw new AppError('conflict', 'Mail to your address kept failing, so digests are suspended. Contact the site administrator.');
    const form = parsePreferencesForm(request.body);
    await updatePreferences(ctx.store.db, subscriber.id, form, form.active, ctx.clock.now().toISOString());
    return reply.redirect('/settings/subscription?notice=saved', 303);
  });

  if (!devMailboxMode(ctx)) return;

  // The development mailbox holds everyone's confirmation links: it answers only on this machine.
  // A hook of its routes only (an app-wide one cost every request a promise).
  const loopbackOnly = async (request: FastifyRequest) => {
    if (!/^(127\.|::1$|::ffff:127\.)/.test(request.ip)) throw new AppError('not_found', 'There is no page at this address.');
  };

  app.get('/dev/mail', { onRequest: loopbackOnly }, async (request, reply) => {
    const names = listMailFiles(ctx.config.dataDir, 100);
    const items = await Promise.all(names.map(async (name) => ({ name, mail: await readMail(ctx.config.dataDir, name) })));
    return page(request, reply, 'Development mailbox', pages.mailboxListPage(items));
  });

  app.get('/dev/mail/:name', { onRequest: loopbackOnly }, async (request: Req, reply) => {
    const mail = await readMail(ctx.config.dataDir, request.params.name);
    if (!mail) throw new AppError('not_found', 'No such mail.');
    return page(request, reply, mail.subject || 'Mail', pages.mailboxMessagePage(request.params.name, mail));
  });

  // The HTML part as its own document, shown in a sandboxed iframe: no scripts, no requests out,
  // only inline styles and data: images, so a hostile mail cannot act on the site.
  app.get(
    '/dev/mail/:name/html',
    {
      onRequest: loopbackOnly,
      onSend: async (_request, reply, payload) => {
        reply.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox");
        reply.header('X-Frame-Options', 'SAMEORIGIN');
        return payload;
      },
    },
    async (request, reply) => {
      const mail = await readMail(ctx.config.dataDir, (request.params as Record<string, string>).name);
      if (!mail || !mail.html) throw new AppError('not_found', 'This mail has no HTML part.');
      return reply.type('text/html; charset=utf-8').send(mail.html);
    },
  );
}
