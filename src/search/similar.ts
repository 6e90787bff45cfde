// Similar papers: nearest neighbours by vector, falling back to full text without a vector.
// (Placeholder until the search issue lands; the signature is what pages and the API call.)
import type { AppContext } from '../context.js';
import type { Paper } from '../store/papers.js';

export async function similarPapers(_ctx: AppContext, _paperId: string, _limit: number): Promise<Paper[]> {
  return [];
}
