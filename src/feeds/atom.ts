// Atom 1.0 (RFC 4287). Titles and summaries are type="text"; the HTML content is escaped text of
// type="html", so nothing in a paper can become markup of the feed itself.
import type { FeedDocument } from './model.js';
import { element, emptyElement } from './xml.js';

export function renderAtom(doc: FeedDocument): string {
  const entries = doc.items.map((item) =>
    [
      '<entry>',
      element('id', item.id),
      element('title', item.title, { type: 'text' }),
      emptyElement('link', { rel: 'alternate', type: 'text/html', href: item.url }),
      item.links.pdf ? emptyElement('link', { rel: 'enclosure', type: 'application/pdf', href: item.links.pdf }) : '',
      item.links.code ? emptyElement('link', { rel: 'related', href: item.links.code, title: 'code' }) : '',
      element('published', item.published),
      element('updated', item.updated > item.published ? item.updated : item.published),
      // RFC 4287 requires an author per entry (or on the feed); papers without names fall back to the feed's.
      ...item.authors.map((a) => `<author>${element('name', a)}</author>`),
      ...item.categories.map((c) => emptyElement('category', { term: c })),
      element('summary', item.summary, { type: 'text' }),
      element('content', item.contentHtml, { type: 'html' }),
      '</entry>',
    ].join(''),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>\n',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    element('id', doc.id),
    element('title', doc.title, { type: 'text' }),
    element('subtitle', doc.description, { type: 'text' }),
    element('updated', doc.updated),
    emptyElement('link', { rel: 'self', type: 'application/atom+xml', href: doc.urls.atom }),
    emptyElement('link', { rel: 'alternate', type: 'text/html', href: doc.homeUrl }),
    '<author><name>paperboy</name></author>',
    element('generator', 'paperboy'),
    ...entries,
    '</feed>\n',
  ].join('');
}
