// Discussion on a paper: comments in a safe Markdown subset with math, one level of replies,
// edit and delete by their author, hiding by curators (audited).
import type { AppContext } from '../context.js';
import { AppError, badRequest, forbidden, notFound } from '../errors.js';
import { paperSignalsChanged } from '../rank/hooks.js';
import { appendAudit } from '../store/audit.js';
import { type CommentRow, getComment, insertComment, setCommentFlags, updateCommentBody, visibleComments } from '../store/comments.js';
import { noteContentChange } from '../store/daily.js';
import { getPaper, refreshPaperCounters } from '../store/papers.js';
import type { User } from '../store/users.js';
import { renderMarkdown } from '../web/views/markdown.js';

export const MAX_COMMENT = 10_000;

export interface Comment {
  id: number;
  paperId: string;
  parentId: number | null;
  author: { username: string; displayName: string };
  /** Markdown source. */
  body: string;
  /** Rendered safe HTML (Markdown subset + math). */
  bodyHtml: string;
  createdAt: string;
  updatedAt: string;
  hidden: boolean;
}

function toComment(r: CommentRow): Comment {
  return {
    id: r.id,
    paperId: r.paperId,
    parentId: r.parentId,
    author: { username: r.username, displayName: r.displayName },
    body: r.body,
    bodyHtml: renderMarkdown(r.body),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    hidden: r.hidden,
  };
}

function cleanBody(body: unknown): string {
  const text = typeof body === 'string' ? body.replace(/\r\n/g, '\n').trim() : '';
  if (!text) throw badRequest('Write something first: the comment is empty.');
  if (text.length > MAX_COMMENT) throw badRequest(`Comments are at most ${MAX_COMMENT} characters; this one has ${text.length}.`);
  return text;
}

export async function addComment(ctx: AppContext, user: User, input: { paperId: string; body: string; parentId?: number | null }): Promise<Comment> {
  if (user.suspended) throw new AppError('forbidden', 'This account is suspended.');
  const body = cleanBody(input.body);
  const db = ctx.store.db;
  const paper = await getPaper(db, input.paperId);
  if (!paper || paper.hidden) throw notFound(`No paper ${input.paperId} here.`);
  let parentId: number | null = null;
  if (input.parentId !== undefined && input.parentId !== null) {
    const parent = await getComment(db, input.parentId);
    if (!parent || parent.paperId !== paper.id || parent.deleted || parent.hidden) throw badRequest('The comment you reply to is gone.');
    parentId = parent.parentId ?? parent.id; // one level of replies: a reply to a reply joins the thread
  }
  const now = ctx.clock.now().toISOString();
  const id = await insertComment(db, { paperId: paper.id, userId: user.id, parentId, body, now });
  await refreshPaperCounters(db, paper.id, now);
  noteContentChange();
  await paperSignalsChanged(ctx, paper.id);
  return toComment((await getComment(db, id))!);
}

/** Visible comments of a paper, oldest first, replies after their parent. */
export async function listComments(ctx: AppContext, paperId: string): Promise<Comment[]> {
  const rows = await visibleComments(ctx.store.db, paperId);
  const top = rows.filter((r) => r.parentId === null || !rows.some((p) => p.id === r.parentId));
  const out: Comment[] = [];
  for (const t of top) {
    out.push(toComment(t));
    for (const r of rows) if (r.parentId === t.id) out.push(toComment(r));
  }
  return out;
}

async function ownComment(ctx: AppContext, user: User, id: number): Promise<CommentRow> {
  const c = await getComment(ctx.store.db, id);
  if (!c || c.deleted) throw notFound('That comment does not exist.');
  if (c.userId !== user.id) throw forbidden('You can only change your own comments.');
  return c;
}

export async function editComment(ctx: AppContext, user: User, id: number, body: string): Promise<Comment> {
  const c = await ownComment(ctx, user, id);
  const text = cleanBody(body);
  const now = ctx.clock.now().toISOString();
  await updateCommentBody(ctx.store.db, id, text, now);
  await refreshPaperCounters(ctx.store.db, c.paperId, now);
  noteContentChange(); // bumps changed_at: cached pages refresh
  return toComment((await getComment(ctx.store.db, id))!);
}

export async function deleteComment(ctx: AppContext, user: User, id: number): Promise<{ paperId: string }> {
  const c = await ownComment(ctx, user, id);
  const now = ctx.clock.now().toISOString();
  await setCommentFlags(ctx.store.db, id, { deleted: true }, now);
  await refreshPaperCounters(ctx.store.db, c.paperId, now);
  noteContentChange();
  await paperSignalsChanged(ctx, c.paperId);
  return { paperId: c.paperId };
}

/** Curators and admins hide (or show again) a comment; the action is audited. */
export async function hideComment(ctx: AppContext, actor: User, id: number, hidden: boolean): Promise<{ paperId: string }> {
  if (actor.role !== 'curator' && actor.role !== 'admin') throw forbidden('Only curators can hide comments.');
  const c = await getComment(ctx.store.db, id);
  if (!c) throw notFound('That comment does not exist.');
  const now = ctx.clock.now().toISOString();
  await setCommentFlags(ctx.store.db, id, { hidden }, now);
  await refreshPaperCounters(ctx.store.db, c.paperId, now);
  noteContentChange();
  await appendAudit(ctx.store.db, { actorId: actor.id, action: hidden ? 'hide_comment' : 'show_comment', targetType: 'comment', targetId: String(id), detail: `on ${c.paperId} by ${c.username}`, now });
  await paperSignalsChanged(ctx, c.paperId);
  return { paperId: c.paperId };
}
