// Upvotes: one per member per paper. (Placeholder until the web-app issue lands; signature is final.)
import type { AppContext } from '../context.js';
import type { User } from '../store/users.js';

/** Sets (want=true) or removes (want=false) the user's upvote; returns the state and the new count. */
export async function setUpvote(_ctx: AppContext, _user: User, _paperId: string, _want: boolean): Promise<{ upvoted: boolean; upvotes: number }> {
  throw new Error('not implemented yet');
}
