// Feed URLs of every list, and the <link rel="alternate"> tags that let feed readers discover them
// from the matching HTML page: add `feedLinks('trending', 'week')` to a page's layout({ head }).
import { html, type SafeHtml } from '../web/views/html.js';
import type { FeedFormat } from './model.js';

export type FeedKind = 'daily' | 'trending' | 'search' | 'category' | 'author' | 'topics';

export const FORMATS: Record<FeedFormat, { type: string; label: string }> = {
  rss: { type: 'application/rss+xml', label: 'RSS' },
  atom: { type: 'application/atom+xml', label: 'Atom' },
  json: { type: 'application/feed+json', label: 'JSON Feed' },
};

/**
 * Site-relative URL of a feed: daily (no arg), trending (day|week|month), search (the query, with
 * filters), category (cs.LG), author (name as written), topics (the private token).
 */
export function feedPath(kind: FeedKind, arg: string | undefined, format: FeedFormat): string {
  switch (kind) {
    case 'daily':
      return `/feeds/daily.${format}`;
    case 'trending':
      return `/feeds/trending/${encodeURIComponent(arg || 'week')}.${format}`;
    case 'search':
      return `/feeds/search.${format}?q=${encodeURIComponent(arg ?? '')}`;
    default:
      return `/feeds/${kind}/${encodeURIComponent(arg ?? '')}.${format}`;
  }
}

export function feedTitle(kind: FeedKind, arg?: string): string {
  switch (kind) {
    case 'daily':
      return 'Daily papers';
    case 'trending':
      return `Trending papers (${arg || 'week'})`;
    case 'search':
      return `Papers matching “${arg ?? ''}”`;
    case 'category':
      return `Papers in ${arg}`;
    case 'author':
      return `Papers by ${arg}`;
    case 'topics':
      return 'Your saved topics';
  }
}

/** The three <link rel="alternate"> tags of a list, for the page's <head>. */
export function feedLinks(kind: FeedKind, arg?: string): SafeHtml {
  const title = feedTitle(kind, arg);
  return html`${(Object.keys(FORMATS) as FeedFormat[]).map(
    (f) => html`<link rel="alternate" type="${FORMATS[f].type}" title="${title} (${FORMATS[f].label})" href="${feedPath(kind, arg, f)}">
`,
  )}`;
}
