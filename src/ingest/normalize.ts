// The "normalise" stage shared by every source: from the fields a parser found to a PaperInput the
// store accepts, or the reason the record is refused. A refused record is reported and skipped whole,
// so nothing half-formed reaches the store.
import type { PaperInput, PaperLinks } from '../store/papers.js';
import { parseArxivId } from './arxiv-id.js';

/** What one source record became: a paper, or a problem to report with its location. */
export type Normalised = { ok: true; paper: PaperInput } | { ok: false; problem: string };

/** Fields as parsers hand them over: a PaperInput whose text and dates may still be missing or
 * unclean (whitespace as found; dates in any form Date.parse understands). */
export type RawPaper = Omit<PaperInput, 'title' | 'abstract' | 'publishedAt' | 'updatedAt'> & {
  title: string | undefined | null;
  abstract: string | undefined | null;
  publishedAt: string | undefined | null;
  updatedAt: string | undefined | null;
};

// Bounds well beyond any real arXiv record (abstracts are limited to 1,920 characters, titles to a
// few hundred); anything past them is broken input, not a paper.
export const LIMITS = {
  title: 1_000,
  abstract: 10_000,
  comments: 5_000,
  journalRef: 1_000,
  doi: 300,
  license: 300,
  authorName: 300,
  authors: 5_000, // collaboration papers list a few thousand
  categories: 50,
  category: 40,
};

/** Collapses runs of whitespace (hard-wrapped XML and snapshot text) into single spaces. */
export function cleanText(s: string | null | undefined): string {
  if (!s) return '';
  // Only runs of whitespace and non-space whitespace match, so the common single space costs nothing
  // (this is on the hot path of a million-record import).
  return s.replace(/ \s+|[^\S ]\s*/g, ' ').trim();
}

// TeX accent commands in author names (arXivRaw and some snapshot names: "B\\'ela Bollob\\'as",
// "H{\\aa}kan") become Unicode, so author pages and author: filters find "Béla Bollobás".
const ACCENTS: Record<string, string> = {
  "'": '\u0301', '`': '\u0300', '^': '\u0302', '"': '\u0308', '~': '\u0303', '=': '\u0304', '.': '\u0307',
  c: '\u0327', v: '\u030c', u: '\u0306', H: '\u030b', k: '\u0328', r: '\u030a',
};
const LETTERS: Record<string, string> = { aa: 'å', AA: 'Å', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', o: 'ø', O: 'Ø', l: 'ł', L: 'Ł', ss: 'ß', i: 'ı' };

export function texToUnicode(name: string): string {
  if (!name.includes('\\')) return name;
  return name
    .replace(/\\(['`^"~=.]|[cvuHkr](?=[\s{]))\s*\{?\s*(\\i|[a-zA-Z])\s*\}?/g, (_, a: string, ch: string) => `${ch === '\\i' ? 'i' : ch}${ACCENTS[a]}`)
    .replace(/\\(aa|AA|ae|AE|oe|OE|ss|[oOlLi])(?![a-zA-Z])\s*(?:\{\})?/g, (_, l: string) => LETTERS[l])
    .replace(/[{}]/g, '')
    .normalize('NFC');
}

const optional = (s: string | null | undefined) => {
  const v = cleanText(s);
  return v ? v : null;
};

/** ISO-8601 of any date string (RFC 2822, ISO, YYYY-MM-DD), or null when it is not a date. */
export function toIso(s: string | null | undefined): string | null {
  if (!s) return null;
  const t = Date.parse(s.trim());
  if (Number.isNaN(t)) return null;
  return new Date(t).toISOString();
}

const CODE_HOSTS = /^(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)$/i;
const URL_RE = /https?:\/\/[^\s<>"'()\[\]{}]+/gi;

/**
 * Code repositories and a project page mentioned in free text ("Code: https://github.com/o/r",
 * "Project page: https://x.github.io/y"). Repository URLs are cut to owner/name.
 */
export function findLinks(...texts: Array<string | null | undefined>): Pick<PaperLinks, 'code' | 'project'> {
  const code: string[] = [];
  let project: string | undefined;
  for (const text of texts) {
    if (!text || !text.includes('http')) continue;
    for (const m of text.matchAll(URL_RE)) {
      const raw = m[0].replace(/[.,;:!?]+$/, '');
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        continue;
      }
      if (CODE_HOSTS.test(url.hostname)) {
        const [owner, name] = url.pathname.split('/').filter(Boolean);
        if (!owner || !name) continue;
        const repo = `https://${url.hostname.replace(/^www\./, '').toLowerCase()}/${owner}/${name.replace(/\.git$/, '')}`;
        if (!code.includes(repo)) code.push(repo);
      } else if (!project && (/\.github\.io$/i.test(url.hostname) || /project (?:page|website)|homepage|website/i.test(text.slice(Math.max(0, m.index! - 40), m.index)))) {
        project = raw;
      }
    }
  }
  return { ...(code.length ? { code } : {}), ...(project ? { project } : {}) };
}

/** abs and pdf links of an arXiv paper at a version. */
export function arxivLinks(id: string, version: number): PaperLinks {
  return { abs: `https://arxiv.org/abs/${id}`, pdf: `https://arxiv.org/pdf/${id}v${version}` };
}

/** Validates and cleans a parsed record; the one place the field rules live. */
export function normalisePaper(raw: RawPaper): Normalised {
  const fail = (problem: string): Normalised => ({ ok: false, problem });
  if (!raw.id) return fail('missing id');
  const title = cleanText(raw.title);
  const abstract = cleanText(raw.abstract);
  if (!title) return fail('missing title');
  if (!abstract) return fail('missing abstract');
  if (title.length > LIMITS.title) return fail(`title is ${title.length} characters (at most ${LIMITS.title})`);
  if (abstract.length > LIMITS.abstract) return fail(`abstract is ${abstract.length} characters (at most ${LIMITS.abstract})`);
  const authors = raw.authors.map((a) => texToUnicode(cleanText(a))).filter(Boolean);
  if (!authors.length) return fail('missing authors');
  if (authors.length > LIMITS.authors) return fail(`${authors.length} authors (at most ${LIMITS.authors})`);
  const longName = authors.find((a) => a.length > LIMITS.authorName);
  if (longName) return fail(`an author name is ${longName.length} characters (at most ${LIMITS.authorName})`);
  const categories = [...new Set(raw.categories.map(cleanText).filter(Boolean))];
  if (categories.length > LIMITS.categories || categories.some((c) => c.length > LIMITS.category)) return fail('implausible categories');
  if (!Number.isInteger(raw.version) || raw.version < 1 || raw.version > 1000) return fail(`bad version ${raw.version}`);
  const publishedAt = toIso(raw.publishedAt) ?? toIso(raw.updatedAt);
  const updatedAt = toIso(raw.updatedAt) ?? publishedAt;
  if (!publishedAt || !updatedAt) return fail('missing or unreadable dates');
  const comments = optional(raw.comments);
  const journalRef = optional(raw.journalRef);
  const doi = optional(raw.doi)?.split(' ')[0] ?? null; // arXiv lists several DOIs space-separated; the first is the paper's
  const license = optional(raw.license);
  if (comments && comments.length > LIMITS.comments) return fail(`comments are ${comments.length} characters (at most ${LIMITS.comments})`);
  if (journalRef && journalRef.length > LIMITS.journalRef) return fail('journal reference too long');
  if (doi && doi.length > LIMITS.doi) return fail('DOI too long');
  if (license && license.length > LIMITS.license) return fail('license too long');

  const found = findLinks(comments, abstract);
  const links: PaperLinks = { ...raw.links };
  if (doi && !links.doi) links.doi = `https://doi.org/${doi}`;
  const code = [...(raw.links?.code ?? []), ...(found.code ?? [])];
  if (code.length) links.code = [...new Set(code)];
  if (!links.project && found.project) links.project = found.project;
  return {
    ok: true,
    paper: {
      id: raw.id,
      version: raw.version,
      title,
      abstract,
      authors,
      categories,
      publishedAt,
      updatedAt: updatedAt < publishedAt ? publishedAt : updatedAt,
      comments,
      journalRef,
      doi,
      license,
      links,
      source: raw.source,
    },
  };
}

/** The canonical id of an arXiv record id as sources spell it ("oai:arXiv.org:0704.0001", "0704.0001v2", URLs). */
export function canonicalArxivId(s: string | null | undefined): { id: string; version: number | null } | null {
  if (!s) return null;
  return parseArxivId(s.trim().replace(/^oai:arXiv\.org:/i, ''));
}
