// The page frame shared by every HTML page: head with meta tags, header with navigation and search,
// footer with the subscribe form. Pages pass their body as SafeHtml.
import { html, raw, type SafeHtml } from './html.js';

export interface Viewer {
  id: number;
  username: string;
  displayName: string;
  role: string;
}

export interface PageOptions {
  title: string;
  description?: string;
  body: SafeHtml;
  viewer: Viewer | null;
  csrf: string;
  /** Canonical URL of the page (absolute), for Open Graph and <link rel=canonical>. */
  url?: string;
  /** Extra <head> content: feed links, Open Graph images, ... */
  head?: SafeHtml;
  /** The search box's current query. */
  query?: string;
}

export function layout(o: PageOptions): string {
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · paperboy</title>
${o.description ? html`<meta name="description" content="${o.description}">` : ''}
<meta property="og:title" content="${o.title}">
${o.description ? html`<meta property="og:description" content="${o.description}">` : ''}
${o.url ? html`<meta property="og:url" content="${o.url}"><link rel="canonical" href="${o.url}">` : ''}
<meta property="og:site_name" content="paperboy">
<meta name="color-scheme" content="light dark">
<link rel="stylesheet" href="/assets/site.css">
${o.head ?? ''}
<script src="/assets/site.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <a class="brand" href="/">paperboy</a>
  <nav aria-label="Main">
    <a href="/">Daily</a>
    <a href="/trending">Trending</a>
    <a href="/submit">Submit</a>
  </nav>
  <form class="search" action="/search" method="get" role="search">
    <label class="visually-hidden" for="q">Search papers</label>
    <input id="q" name="q" type="search" placeholder="Search papers" value="${o.query ?? ''}" autocomplete="off">
  </form>
  <nav class="account" aria-label="Account">
    ${
      o.viewer
        ? html`<a href="/settings">${o.viewer.displayName}</a>
    <form method="post" action="/signout" class="inline"><input type="hidden" name="_csrf" value="${o.csrf}"><button class="link" type="submit">Sign out</button></form>`
        : html`<a href="/signin">Sign in</a>`
    }
  </nav>
</header>
<main id="main">
${o.body}
</main>
<footer class="site">
  <form method="post" action="/subscribe" class="subscribe">
    <input type="hidden" name="_csrf" value="${o.csrf}">
    <label for="subscribe-email-footer">Get trending papers in your email inbox</label>
    <input id="subscribe-email-footer" name="email" type="email" required placeholder="you@example.org" autocomplete="email">
    <button type="submit">Subscribe</button>
  </form>
  <p><a href="/about/trending">How trending works</a> · <a href="/api/docs">API</a> · <a href="/feeds">Feeds</a></p>
</footer>
</body>
</html>`;
  return doc.value;
}

export { raw };
