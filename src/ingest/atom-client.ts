// arXiv Atom API lookups by id list: fetch (through the shared arXiv gate) -> parse -> normalise.
// The web "submit a paper" button and `paperboy ingest ids` call this; storing is the caller's step.
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import type { PaperInput } from '../store/papers.js';
import { formatArxivId, parseArxivId } from './arxiv-id.js';
import { parseAtom } from './atom.js';
import { arxivGet } from './http.js';

// Ids per request: keeps the URL short (arXiv accepts long lists, proxies may not).
export const IDS_PER_REQUEST = 100;

export interface LookupResult {
  papers: PaperInput[];
  /** Requested ids (canonical, without version) that arXiv does not know. */
  missing: string[];
  /** Entries that came back but were refused by normalisation. */
  problems: Array<{ location: string; message: string }>;
}

/** Looks up ids (anything parseArxivId accepts) and reports which were not found. */
export async function lookupArxivIds(ctx: AppContext, ids: string[], options: { perRequest?: number } = {}): Promise<LookupResult> {
  const perRequest = options.perRequest ?? IDS_PER_REQUEST;
  const wanted = ids.map((input) => {
    const parsed = parseArxivId(input);
    if (!parsed) throw new AppError('bad_request', `not an arXiv id: ${input.slice(0, 80)}`);
    return parsed;
  });
  const unique = [...new Map(wanted.map((w) => [formatArxivId(w), w])).values()];
  const result: LookupResult = { papers: [], missing: [], problems: [] };
  for (let i = 0; i < unique.length; i += perRequest) {
    const batch = unique.slice(i, i + perRequest);
    const url = new URL(ctx.config.PAPERBOY_ARXIV_API_URL);
    url.searchParams.set('id_list', batch.map(formatArxivId).join(','));
    url.searchParams.set('start', '0');
    url.searchParams.set('max_results', String(batch.length));
    const answer = await arxivGet(ctx, url.toString());
    let parsed;
    try {
      parsed = parseAtom(answer.body);
    } catch (err) {
      if (answer.status !== 200) throw new AppError('upstream', `GET ${answer.url}: HTTP ${answer.status}`, { url: answer.url });
      throw new AppError('upstream', `GET ${answer.url}: ${(err as Error).message}`, { url: answer.url });
    }
    // arXiv answers 400 with an error entry for ids it cannot read.
    if (parsed.errors.length) throw new AppError(answer.status >= 500 ? 'upstream' : 'bad_request', `arXiv: ${parsed.errors.join('; ')}`, { url: answer.url });
    if (answer.status !== 200) throw new AppError('upstream', `GET ${answer.url}: HTTP ${answer.status}`, { url: answer.url });
    result.papers.push(...parsed.papers);
    result.problems.push(...parsed.problems);
    const found = new Set(parsed.papers.map((p) => p.id));
    for (const w of batch) if (!found.has(w.id)) result.missing.push(w.id);
  }
  return result;
}

/** Fetches the given arXiv ids (canonical, optionally with version) and returns the papers found. */
export async function fetchArxivPapers(ctx: AppContext, ids: string[]): Promise<PaperInput[]> {
  if (!ids.length) return [];
  return (await lookupArxivIds(ctx, ids)).papers;
}
