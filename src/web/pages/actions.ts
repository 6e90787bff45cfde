// Upvotes and comments: form posts that also answer JSON to site.js (no reload).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { badRequest } from '../../errors.js';
import { addComment, deleteComment, editComment, hideComment } from '../../community/comments.js';
import { enforceLimit } from '../../community/limits.js';
import { setUpvote } from '../../community/upvotes.js';
import { backTo, field, wantsJson } from '../respond.js';
import { requireViewer } from '../session.js';
import { paperIdOf } from './paper.js';

/** POST /papers/<id>/upvote and /papers/<id>/comments (ids may contain a slash). */
export function paperPost(ctx: AppContext) {
  return async (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
    const m = /^(.+)\/(upvote|comments)$/.exec(request.params['*']);
    if (!m) throw badRequest('Unknown action.');
    const paperId = paperIdOf(m[1]);
    const user = requireViewer(request);
    if (m[2] === 'upvote') {
      enforceLimit(ctx, 'upvote', { account: user.id, ip: request.ip });
      const want = field(request.body, 'want') !== '0';
      const r = await setUpvote(ctx, user, paperId, want);
      if (wantsJson(request)) return reply.send(r);
      return reply.redirect(backTo(request, `/papers/${paperId}`), 303);
    }
    enforceLimit(ctx, 'comment', { account: user.id, ip: request.ip });
    const parent = field(request.body, 'parent');
    const comment = await addComment(ctx, user, { paperId, body: field(request.body, 'body'), parentId: parent ? Number(parent) || -1 : null });
    return reply.redirect(`/papers/${paperId}#c${comment.id}`, 303);
  };
}

function commentId(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) throw badRequest('Unknown comment.');
  return id;
}

export function commentPost(ctx: AppContext) {
  return async (request: FastifyRequest<{ Params: { id: string; action: string } }>, reply: FastifyReply) => {
    const user = requireViewer(request);
    const id = commentId(request.params.id);
    switch (request.params.action) {
      case 'edit': {
        const c = await editComment(ctx, user, id, field(request.body, 'body'));
        return reply.redirect(`/papers/${c.paperId}#c${c.id}`, 303);
      }
      case 'delete': {
        const r = await deleteComment(ctx, user, id);
        return reply.redirect(`/papers/${r.paperId}#discussion`, 303);
      }
      case 'hide': {
        const r = await hideComment(ctx, user, id, field(request.body, 'hidden') !== '0');
        return reply.redirect(`/papers/${r.paperId}#discussion`, 303);
      }
      default:
        throw badRequest('Unknown action.');
    }
  };
}
