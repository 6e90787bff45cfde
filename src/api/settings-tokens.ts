// /settings/tokens: a member's personal API tokens and private feed URLs. A new token is shown once,
// in the response to the POST that created it (never stored in clear, never shown again).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { createApiToken, createFeedToken, listApiTokens, listFeedTokens, revokeToken, type TokenInfo, type TokenKind } from '../store/api-tokens.js';
import { requireViewer } from '../web/session.js';
import { html, type SafeHtml } from '../web/views/html.js';
import { layout } from '../web/views/layout.js';

interface Fresh {
  kind: TokenKind;
  token: string;
}

export function registerTokenSettings(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  const now = () => ctx.clock.now().toISOString();

  const page = async (request: FastifyRequest, reply: FastifyReply, fresh?: Fresh) => {
    const user = requireViewer(request);
    const [apiTokens, feedTokens] = await Promise.all([listApiTokens(db, user.id), listFeedTokens(db, user.id)]);
    const csrf = request.csrfToken;
    const shown = fresh
      ? html`<div class="notice" role="status">
  <p><strong>${fresh.kind === 'api' ? 'Your new API token' : 'Your private feed URLs'}</strong>: copy it now; it will not be shown again.</p>
  ${
    fresh.kind === 'api'
      ? html`<p><code class="token">${fresh.token}</code></p><p>Use it as <code>Authorization: Bearer ${fresh.token}</code>.</p>`
      : html`<ul>${(['rss', 'atom', 'json'] as const).map((f) => html`<li><code>${ctx.config.baseUrl}/feeds/topics/${fresh.token}.${f}</code></li>`)}</ul>`
  }
</div>`
      : '';
    const body = html`<section class="settings-tokens">
<h1>API tokens and private feeds</h1>
${shown}
<h2>Personal API tokens</h2>
<p>A token lets a script upvote, submit and comment as you through <a href="/api/docs">the API</a>. Anyone holding it can act as you: revoke it when it leaks or is no longer needed.</p>
${tokenTable(apiTokens, 'api', csrf)}
<form method="post" action="/settings/tokens">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label for="token-name">Name</label>
  <input id="token-name" name="name" required maxlength="80" placeholder="e.g. reading-group bot">
  <button type="submit">Create API token</button>
</form>
<h2>Private feed of your saved topics</h2>
<p>A secret feed URL of the papers matching the topics, categories and authors of your digest subscription, for a feed reader. It grants read access only.</p>
${tokenTable(feedTokens, 'feed', csrf)}
<form method="post" action="/settings/feed-tokens">
  <input type="hidden" name="_csrf" value="${csrf}">
  <button type="submit">Create a private feed URL</button>
</form>
</section>`;
    // The page may carry a fresh secret: keep it out of every cache.
    return reply
      .header('Cache-Control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(layout({ title: 'API tokens and private feeds', body, viewer: request.viewer, csrf }));
  };

  app.get('/settings/tokens', (request, reply) => page(request, reply));

  app.post('/settings/tokens', async (request, reply) => {
    const user = requireViewer(request);
    const name = String((request.body as { name?: unknown } | undefined)?.name ?? '').trim();
    if (!name || name.length > 80) throw badRequest('Give the token a name of 1 to 80 characters.');
    const { token } = await createApiToken(db, user.id, name, now());
    return page(request, reply, { kind: 'api', token });
  });

  app.post('/settings/feed-tokens', async (request, reply) => {
    const user = requireViewer(request);
    const { token } = await createFeedToken(db, user.id, now());
    return page(request, reply, { kind: 'feed', token });
  });

  for (const kind of ['api', 'feed'] as const) {
    app.post(`/settings/${kind === 'api' ? 'tokens' : 'feed-tokens'}/:id/revoke`, async (request, reply) => {
      const user = requireViewer(request);
      const id = Number((request.params as { id: string }).id);
      if (!Number.isSafeInteger(id) || !(await revokeToken(db, kind, user.id, id, now()))) throw notFound('No such active token of yours.');
      return reply.redirect('/settings/tokens', 303);
    });
  }
}

function tokenTable(tokens: TokenInfo[], kind: TokenKind, csrf: string): SafeHtml {
  if (!tokens.length) return html`<p class="empty">None yet.</p>`;
  const action = (id: number) => `/settings/${kind === 'api' ? 'tokens' : 'feed-tokens'}/${id}/revoke`;
  return html`<table class="tokens">
<thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th></tr></thead>
<tbody>${tokens.map(
    (t) => html`<tr><td>${t.name}</td><td>${t.createdAt.slice(0, 10)}</td><td>${t.lastUsedAt ? t.lastUsedAt.slice(0, 10) : 'never'}</td><td>${
      t.revokedAt
        ? html`revoked ${t.revokedAt.slice(0, 10)}`
        : html`<form method="post" action="${action(t.id)}" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Revoke</button></form>`
    }</td></tr>`,
  )}</tbody>
</table>`;
}
