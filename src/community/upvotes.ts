// Upvotes: one per member per paper, also under concurrent double clicks (the primary key decides).
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { paperSignalsChanged } from '../rank/hooks.js';
import { getPaper, refreshPaperCounters } from '../store/papers.js';
import { noteContentChange } from '../store/daily.js';
import { deleteUpvote, insertUpvote, upvotedAmong } from '../store/upvotes.js';
import type { User } from '../store/users.js';

/** Sets (want=true) or removes (want=false) the user's upvote; returns the state and the new count. */
export async function setUpvote(ctx: AppContext, user: User, paperId: string, want: boolean): Promise<{ upvoted: boolean; upvotes: number }> {
  if (user.suspended) throw new AppError('forbidden', 'This account is suspended.');
  const paper = await getPaper(ctx.store.db, paperId);
  if (!paper || paper.hidden) throw notFound(`No paper ${paperId} here.`);
  const now = ctx.clock.now().toISOString();
  if (want) await insertUpvote(ctx.store.db, user.id, paperId, now);
  else await deleteUpvote(ctx.store.db, user.id, paperId);
  await refreshPaperCounters(ctx.store.db, paperId, now);
  noteContentChange();
  await paperSignalsChanged(ctx, paperId);
  const after = await getPaper(ctx.store.db, paperId);
  return { upvoted: want, upvotes: after?.upvotes ?? 0 };
}

/** Which of `paperIds` the user has upvoted (to show filled buttons). */
export async function upvotedBy(ctx: AppContext, user: User | null, paperIds: string[]): Promise<Set<string>> {
  if (!user) return new Set();
  return upvotedAmong(ctx.store.db, user.id, paperIds);
}
