// RSS 2.0 (https://www.rssboard.org/rss-specification) with the Atom self link and Dublin Core creators
// (RSS's own <author> must be an email address, which papers' authors do not have).
import type { FeedDocument } from './model.js';
import { element, emptyElement } from './xml.js';

const rfc822 = (iso: string) => new Date(iso).toUTCString();

export function renderRss(doc: FeedDocument): string {
  const items = doc.items.map((item) =>
    [
      '<item>',
      element('title', item.title),
      element('link', item.url),
      element('guid', item.id, { isPermaLink: 'true' }),
      element('pubDate', rfc822(item.published)),
      ...item.authors.map((a) => element('dc:creator', a)),
      ...item.categories.map((c) => element('category', c)),
      element('description', item.contentHtml),
      element('comments', `${item.url}#discussion`),
      '</item>',
    ].join(''),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>\n',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '<channel>',
    element('title', doc.title),
    element('link', doc.homeUrl),
    element('description', doc.description),
    element('language', 'en'),
    element('lastBuildDate', rfc822(doc.updated)),
    element('generator', 'paperboy'),
    element('docs', 'https://www.rssboard.org/rss-specification'),
    element('ttl', '60'),
    emptyElement('atom:link', { href: doc.urls.rss, rel: 'self', type: 'application/rss+xml' }),
    ...items,
    '</channel></rss>\n',
  ].join('');
}
