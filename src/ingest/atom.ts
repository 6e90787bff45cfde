// The "parse" and "normalise" stages for arXiv Atom API answers. Both layouts in the wild are read:
// the older one (namespaces declared on each element, http links, hard-wrapped text) and the newer one
// (namespaces at the root, https links, arxiv:affiliation inside author). Unknown or malformed ids come
// back as an error entry (HTTP 400) or as an empty feed.
import { AppError } from '../errors.js';
import type { PaperInput } from '../store/papers.js';
import { arxivLinks, canonicalArxivId, cleanText, normalisePaper } from './normalize.js';
import { attr, child, list, parseXml, text } from './xml.js';

export interface AtomResult {
  papers: PaperInput[];
  /** Entries that were refused (missing fields, absurd lengths), by entry id. */
  problems: Array<{ location: string; message: string }>;
  /** Error entries arXiv sent instead of papers ("incorrect id format for abc"). */
  errors: string[];
  totalResults: number | null;
}

export function parseAtom(xml: string, options: { trusted?: boolean } = {}): AtomResult {
  const parsed = parseXml(xml, options.trusted);
  if (!parsed.ok) throw new AppError('upstream', parsed.problem);
  const feed = child(parsed.doc, 'feed');
  if (!feed || typeof feed !== 'object') throw new AppError('upstream', 'not an Atom feed (no <feed> element)');
  const result: AtomResult = { papers: [], problems: [], errors: [], totalResults: null };
  const total = Number(text(child(feed, 'totalResults')));
  result.totalResults = Number.isFinite(total) ? total : null;

  for (const entry of list(child(feed, 'entry'))) {
    const rawId = cleanText(text(child(entry, 'id')));
    if (/\/api\/errors/.test(rawId) || cleanText(text(child(entry, 'title'))) === 'Error') {
      result.errors.push(cleanText(text(child(entry, 'summary'))) || rawId);
      continue;
    }
    const parsedId = canonicalArxivId(rawId);
    if (!parsedId) {
      result.problems.push({ location: rawId || 'entry without id', message: 'not an arXiv id' });
      continue;
    }
    const version = parsedId.version ?? 1;
    const links = arxivLinks(parsedId.id, version);
    for (const link of list(child(entry, 'link'))) {
      const href = attr(link, 'href');
      if (!href) continue;
      if (attr(link, 'title') === 'doi') links.doi = href.replace(/^http:\/\/dx\.doi\.org\//, 'https://doi.org/');
    }
    const primary = attr(child(entry, 'primary_category'), 'term');
    const categories = list(child(entry, 'category'))
      .map((c) => attr(c, 'term'))
      .filter((c): c is string => !!c);
    const ordered = primary ? [primary, ...categories.filter((c) => c !== primary)] : categories;
    const normalised = normalisePaper({
      id: parsedId.id,
      version,
      title: text(child(entry, 'title')),
      abstract: text(child(entry, 'summary')),
      authors: list(child(entry, 'author')).map((a) => text(child(a, 'name')) ?? ''),
      categories: ordered,
      publishedAt: text(child(entry, 'published')),
      updatedAt: text(child(entry, 'updated')),
      comments: text(child(entry, 'comment')),
      journalRef: text(child(entry, 'journal_ref')),
      doi: text(child(entry, 'doi')),
      license: text(child(entry, 'license')),
      links,
      source: 'arxiv',
    });
    if (normalised.ok) result.papers.push(normalised.paper);
    else result.problems.push({ location: `${parsedId.id}v${version}`, message: normalised.problem });
  }
  return result;
}
