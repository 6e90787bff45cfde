// arXiv Atom API lookups by id list. (Placeholder until the foundation's ingest lands; the signature
// is what "submit a paper" and search's id paste call.)
import type { AppContext } from '../context.js';
import type { PaperInput } from '../store/papers.js';

/** Fetches the given arXiv ids (canonical, optionally with version) and returns the papers found. */
export async function fetchArxivPapers(_ctx: AppContext, _ids: string[]): Promise<PaperInput[]> {
  throw new Error('arXiv lookups are not implemented yet');
}
