// Administration: users (roles, suspension), the audit log, and the curator actions on papers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { badRequest } from '../../errors.js';
import { auditLog, changeRole, hidePaper, ROLES, suspendUser } from '../../community/moderation.js';
import { featureOnDay, removeFromDaily } from '../../community/submissions.js';
import { listUsers } from '../../store/users.js';
import { field, messagePage } from '../respond.js';
import { requireRole } from '../session.js';
import { html, raw } from '../views/html.js';

export function adminPage(ctx: AppContext) {
  return async (request: FastifyRequest<{ Querystring: { page?: string } }>, reply: FastifyReply) => {
    const admin = requireRole(request, 'admin');
    const page = Math.max(1, Math.min(10_000, Number(request.query.page) || 1));
    const [users, audit] = await Promise.all([listUsers(ctx.store.db, 200, 0), auditLog(ctx, admin, page)]);
    const csrf = request.csrfToken;
    return messagePage(
      request,
      reply,
      'Administration',
      html`<section class="admin">
<h1>Administration</h1>
<h2>People</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">User</th><th scope="col">E-mail</th><th scope="col">Role</th><th scope="col">Status</th></tr></thead>
<tbody>
${users.map(
  (u) => html`<tr>
  <td>${u.displayName} <span class="muted">@${u.username}</span></td>
  <td>${u.email}</td>
  <td><form method="post" action="/admin/users/role" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="user" value="${u.username}">
    <label class="visually-hidden" for="role-${u.id}">Role of ${u.username}</label>
    <select id="role-${u.id}" name="role">${ROLES.map((r) => html`<option${r === u.role ? raw(' selected') : ''}>${r}</option>`)}</select> <button type="submit">Set</button></form></td>
  <td>${
    u.id === admin.id
      ? 'you'
      : html`<form method="post" action="/admin/users/suspend" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="user" value="${u.username}"><input type="hidden" name="suspended" value="${u.suspended ? '0' : '1'}">${u.suspended ? 'suspended ' : ''}<button type="submit">${u.suspended ? 'Restore' : 'Suspend'}</button></form>`
  }</td>
</tr>`,
)}
</tbody></table></div>
<h2 id="audit">Audit log</h2>
${audit.length ? '' : html`<p class="muted">No moderation actions yet.</p>`}
<ol class="audit">
${audit.map(
  (e) => html`<li><time datetime="${e.createdAt}">${e.createdAt.slice(0, 16).replace('T', ' ')}</time> <strong>${e.actor ?? 'command line'}</strong> ${e.action.replace(/_/g, ' ')} ${e.targetType} <code>${e.targetId}</code>${e.detail ? html` — ${e.detail}` : ''}${
    e.action === 'hide_paper'
      ? html` <form method="post" action="/admin/papers/hide" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="paper" value="${e.targetId}"><input type="hidden" name="hidden" value="0"><button class="link" type="submit">show again</button></form>`
      : ''
  }</li>`,
)}
</ol>
<nav class="pager" aria-label="Audit pages">${page > 1 ? html`<a href="/admin?page=${page - 1}#audit">← Newer</a>` : ''}${audit.length === 50 ? html`<a href="/admin?page=${page + 1}#audit">Older →</a>` : ''}</nav>
</section>`,
    );
  };
}

export function adminAction(ctx: AppContext) {
  return async (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
    const actor = requireRole(request, 'curator', 'admin');
    const b = request.body;
    switch (request.params['*']) {
      case 'users/role':
        await changeRole(ctx, actor, field(b, 'user'), field(b, 'role'));
        return reply.redirect('/admin', 303);
      case 'users/suspend':
        await suspendUser(ctx, actor, field(b, 'user'), field(b, 'suspended') !== '0', field(b, 'reason'));
        return reply.redirect('/admin', 303);
      case 'papers/hide': {
        const hidden = field(b, 'hidden') !== '0';
        await hidePaper(ctx, actor, field(b, 'paper'), hidden, field(b, 'reason'));
        return reply.redirect(hidden ? '/' : `/papers/${field(b, 'paper')}`, 303);
      }
      case 'daily/remove':
        await removeFromDaily(ctx, actor, field(b, 'paper'));
        return reply.redirect(`/papers/${field(b, 'paper')}`, 303);
      case 'daily/feature': {
        const r = await featureOnDay(ctx, actor, field(b, 'paper'), field(b, 'day'));
        return reply.redirect(`/papers/date/${r.day}`, 303);
      }
      default:
        throw badRequest('Unknown action.');
    }
  };
}
