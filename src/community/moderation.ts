// Moderation: hide papers, suspend users, change roles. Every action is written to the audit log.
import type { AppContext } from '../context.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { noteContentChange } from '../store/daily.js';
import { appendAudit, type AuditEntry, listAudit } from '../store/audit.js';
import { getPaper, setPaperHidden } from '../store/papers.js';
import { deleteUserSessions } from '../store/sessions.js';
import { getUserById, getUserByUsername, setUserRole, setUserSuspended, type User } from '../store/users.js';

export const ROLES: User['role'][] = ['member', 'curator', 'admin'];

export const isCurator = (u: User | null | undefined) => !!u && (u.role === 'curator' || u.role === 'admin');

export async function hidePaper(ctx: AppContext, actor: User, paperId: string, hidden: boolean, reason = ''): Promise<void> {
  if (!isCurator(actor)) throw forbidden('Only curators can hide papers.');
  const paper = await getPaper(ctx.store.db, paperId);
  if (!paper) throw notFound(`No paper ${paperId} here.`);
  const now = ctx.clock.now().toISOString();
  await setPaperHidden(ctx.store.db, paperId, hidden, now);
  noteContentChange();
  await appendAudit(ctx.store.db, { actorId: actor.id, action: hidden ? 'hide_paper' : 'show_paper', targetType: 'paper', targetId: paperId, detail: reason.slice(0, 500) || null, now });
}

async function targetUser(ctx: AppContext, username: string): Promise<User> {
  const user = await getUserByUsername(ctx.store.db, username);
  if (!user) throw notFound(`No user ${username}.`);
  return user;
}

/** Admins suspend (or restore) an account: its sessions end and it can no longer act. */
export async function suspendUser(ctx: AppContext, actor: User, username: string, suspended: boolean, reason = ''): Promise<void> {
  if (actor.role !== 'admin') throw forbidden('Only admins can suspend accounts.');
  const user = await targetUser(ctx, username);
  if (user.id === actor.id) throw badRequest('You cannot suspend yourself.');
  await setUserSuspended(ctx.store.db, user.id, suspended);
  if (suspended) await deleteUserSessions(ctx.store.db, user.id);
  noteContentChange(); // their comments disappear from pages
  await appendAudit(ctx.store.db, {
    actorId: actor.id,
    action: suspended ? 'suspend_user' : 'restore_user',
    targetType: 'user',
    targetId: user.username,
    detail: reason.slice(0, 500) || null,
    now: ctx.clock.now().toISOString(),
  });
}

export async function changeRole(ctx: AppContext, actor: User | null, username: string, role: string): Promise<User> {
  if (actor && actor.role !== 'admin') throw forbidden('Only admins can change roles.');
  if (!ROLES.includes(role as User['role'])) throw badRequest(`Roles are ${ROLES.join(', ')}.`);
  const user = await targetUser(ctx, username);
  if (actor && user.id === actor.id && role !== 'admin') throw badRequest('Ask another admin to change your own role.');
  await setUserRole(ctx.store.db, user.id, role as User['role']);
  await appendAudit(ctx.store.db, { actorId: actor?.id ?? null, action: 'set_role', targetType: 'user', targetId: user.username, detail: role, now: ctx.clock.now().toISOString() });
  return (await getUserById(ctx.store.db, user.id))!;
}

export async function auditLog(ctx: AppContext, actor: User, page: number): Promise<AuditEntry[]> {
  if (actor.role !== 'admin') throw forbidden('Only admins can read the audit log.');
  return listAudit(ctx.store.db, 50, Math.max(0, page - 1) * 50);
}
