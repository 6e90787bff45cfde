// Discussion on a paper. (Placeholder until the web-app issue lands; signatures are final.)
import type { AppContext } from '../context.js';
import type { User } from '../store/users.js';

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

export async function addComment(_ctx: AppContext, _user: User, _input: { paperId: string; body: string; parentId?: number | null }): Promise<Comment> {
  throw new Error('not implemented yet');
}

/** Visible comments of a paper, oldest first, replies after their parent. */
export async function listComments(_ctx: AppContext, _paperId: string): Promise<Comment[]> {
  return [];
}
