// How a PaperInput becomes rows: the papers row, its author and category rows, and the keys derived
// from them. Shared by both write paths of upsertPapers (Kysely in papers.ts, better-sqlite3 in
// papers-sqlite.ts), so that the two store exactly the same data.
import type { PaperInput, PaperLinks } from './papers.js';

/** Lower-case, accent-free key for author lookups ("Léon Bottou" and "leon bottou" match). */
export function authorKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** owner/name of the first GitHub repository among the code links, lower-cased. */
export function githubRepoOf(links: PaperLinks | undefined): string | null {
  for (const url of links?.code ?? []) {
    const m = /^https?:\/\/(?:www\.)?github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?(?:[/?#]|$)/i.exec(url);
    if (m) return `${m[1]}/${m[2]}`.toLowerCase();
  }
  return null;
}

/** Whether `a` should replace `b`: a newer version, or the same version revised later. */
export function isNewer(a: Pick<PaperInput, 'version' | 'updatedAt'>, b: Pick<PaperInput, 'version' | 'updatedAt'>): boolean {
  return a.version > b.version || (a.version === b.version && a.updatedAt > b.updatedAt);
}

/** The papers row of a paper written at `now`. */
export function paperRow(p: PaperInput, now: string) {
  const links = p.links ?? {};
  return {
    id: p.id,
    version: p.version,
    title: p.title,
    abstract: p.abstract,
    authors: JSON.stringify(p.authors),
    categories: JSON.stringify(p.categories),
    primary_category: p.categories[0] ?? null,
    published_at: p.publishedAt,
    updated_at: p.updatedAt,
    comments: p.comments ?? null,
    journal_ref: p.journalRef ?? null,
    doi: p.doi ?? null,
    license: p.license ?? null,
    links: JSON.stringify(links),
    github_repo: githubRepoOf(links),
    source: p.source,
    created_at: now,
    changed_at: now,
  };
}

/** A paper's categories as stored: each once, the primary (first) marked. */
export function categoryRows(p: PaperInput): Array<{ paper_id: string; category: string; is_primary: number }> {
  return [...new Set(p.categories)].map((category, i) => ({ paper_id: p.id, category, is_primary: i === 0 ? 1 : 0 }));
}

/** A paper's authors as stored: in order, each with its lookup key. */
export function authorRows(p: PaperInput): Array<{ paper_id: string; position: number; name: string; name_key: string }> {
  return p.authors.map((name, position) => ({ paper_id: p.id, position, name, name_key: authorKey(name) }));
}
