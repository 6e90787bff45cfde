// Submitting a paper to today's list by arXiv id or URL. (Placeholder until the web-app issue lands.)
import type { AppContext } from '../context.js';
import type { User } from '../store/users.js';

/** Imports the paper if unknown and puts it on today's list; an already listed paper keeps its day. */
export async function submitPaper(_ctx: AppContext, _user: User, _input: string): Promise<{ paperId: string; day: string; created: boolean }> {
  throw new Error('not implemented yet');
}
