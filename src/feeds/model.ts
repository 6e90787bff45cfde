// The format-neutral feed: what RSS, Atom and JSON Feed are each rendered from, and how a stored
// paper becomes a feed item (plain-text title, escaped HTML content, stable id).
import type { Paper } from '../store/papers.js';
import { html } from '../web/views/html.js';
import { latexToText } from '../text/latex.js';

export type FeedFormat = 'rss' | 'atom' | 'json';

export interface FeedItem {
  /** Stable id: the paper page URL, which never changes for a paper (new versions keep it). */
  id: string;
  url: string;
  title: string;
  authors: string[];
  categories: string[];
  /** The abstract as plain text. */
  summary: string;
  /** Escaped HTML: abstract, authors, links. */
  contentHtml: string;
  /** When the item entered this list (daily) or the paper was published (other lists), ISO. */
  published: string;
  /** Latest version of the paper, ISO. */
  updated: string;
  links: { abs?: string; pdf?: string; code?: string; project?: string };
  paperId: string;
  /** Last change of the stored paper (upvotes, comments, edits), ISO: drives the feed's Last-Modified. */
  changedAt: string;
}

export interface FeedDocument {
  /** Stable feed id (the feed's own URL without format). */
  id: string;
  title: string;
  description: string;
  /** The matching HTML page. */
  homeUrl: string;
  /** Self URLs per format (absolute). */
  urls: Record<FeedFormat, string>;
  /** Newest publication or version among the items, ISO (Atom <updated>, RSS lastBuildDate). */
  updated: string;
  /** Newest change of any kind among the items, ISO (HTTP Last-Modified). */
  lastModified: string;
  items: FeedItem[];
}

const iso = (value: string | null | undefined, fallback: string) => {
  const t = value ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? new Date(t).toISOString() : fallback;
};

export function paperItem(baseUrl: string, paper: Paper, listedAt?: string): FeedItem {
  const url = `${baseUrl}/papers/${paper.id}`;
  const published = iso(listedAt ?? paper.publishedAt, iso(paper.createdAt, new Date(0).toISOString()));
  const updated = iso(paper.updatedAt, published);
  // Only absolute http(s) links reach a feed: anything else in stored metadata is dropped.
  const web = (u: string | undefined) => (u && /^https?:\/\/[^\s]+$/i.test(u) ? u : undefined);
  const code = web(paper.links.code?.[0]) ?? (paper.githubRepo ? `https://github.com/${paper.githubRepo}` : undefined);
  const links = { abs: web(paper.links.abs), pdf: web(paper.links.pdf), code, project: web(paper.links.project) };
  const title = latexToText(paper.title) || paper.id;
  const summary = latexToText(paper.abstract);
  const labelled: Array<[string, string | undefined]> = [['arXiv', links.abs], ['PDF', links.pdf], ['Code', links.code], ['Project page', links.project]];
  const linkHtml = labelled.filter(([, u]) => u).map(([label, u]) => html` · <a href="${u}">${label}</a>`);
  const contentHtml = html`<p><em>${paper.authors.join(', ')}</em></p>
<p>${summary}</p>
<p>${paper.categories.join(' · ')}</p>
<p><a href="${url}">Discussion on paperboy</a>${linkHtml}</p>`.value;
  return { id: url, url, title, authors: paper.authors, categories: paper.categories, summary, contentHtml, published, updated, links, paperId: paper.id, changedAt: iso(paper.changedAt, updated) };
}
