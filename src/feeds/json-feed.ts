// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). Strings are cleaned of the same forbidden
// characters as the XML formats so that every format of a feed carries the same text.
import type { FeedDocument } from './model.js';
import { xmlSafe } from './xml.js';

export function renderJsonFeed(doc: FeedDocument): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: xmlSafe(doc.title),
    home_page_url: doc.homeUrl,
    feed_url: doc.urls.json,
    description: xmlSafe(doc.description),
    language: 'en',
    authors: [{ name: 'paperboy' }],
    items: doc.items.map((item) => ({
      id: item.id,
      url: item.url,
      ...(item.links.abs ? { external_url: item.links.abs } : {}),
      title: xmlSafe(item.title),
      summary: xmlSafe(item.summary),
      content_html: xmlSafe(item.contentHtml),
      date_published: item.published,
      date_modified: item.updated > item.published ? item.updated : item.published,
      authors: item.authors.map((name) => ({ name: xmlSafe(name) })),
      tags: item.categories.map(xmlSafe),
      ...(item.links.pdf ? { attachments: [{ url: item.links.pdf, mime_type: 'application/pdf', title: 'PDF' }] } : {}),
      _paperboy: { paper_id: item.paperId, code_url: item.links.code ?? null, project_url: item.links.project ?? null },
    })),
  };
  return JSON.stringify(feed);
}
