// The page frame shared by every HTML page: head with meta tags, header with navigation and search,
// footer with the subscribe form and the keyboard help. Pages pass their body as SafeHtml.
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
  /** Open Graph type (default website). */
  ogType?: string;
  /** Which main navigation entry is current. */
  section?: 'daily' | 'trending' | 'submit' | 'search';
}

const nav: Array<[NonNullable<PageOptions['section']>, string, string]> = [
  ['daily', '/', 'Daily'],
  ['trending', '/trending', 'Trending'],
  ['submit', '/submit', 'Submit'],
];

export function layout(o: PageOptions): string {
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · paperboy</title>
${o.description ? html`<meta name="description" content="${o.description}">` : ''}
<meta property="og:title" content="${o.title}">
<meta property="og:type" content="${o.ogType ?? 'website'}">
${o.description ? html`<meta property="og:description" content="${o.description}">` : ''}
${o.url ? html`<meta property="og:url" content="${o.url}"><link rel="canonical" href="${o.url}">` : ''}
<meta property="og:site_name" content="paperboy">
<meta name="twitter:card" content="summary">
<meta name="color-scheme" content="light dark">
<meta name="csrf-token" content="${o.csrf}">
<link rel="stylesheet" href="/assets/site.css">
<link rel="stylesheet" href="/assets/katex/katex.min.css">
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
${o.head ?? ''}
<script src="/assets/site.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <div class="bar">
  <a class="brand" href="/"><span aria-hidden="true">◆</span> paperboy</a>
  <nav class="main" aria-label="Main">
    ${nav.map(([key, href, label]) => html`<a href="${href}"${o.section === key ? raw(' aria-current="page"') : ''}>${label}</a>`)}
  </nav>
  <form class="search" action="/search" method="get" role="search">
    <label class="visually-hidden" for="q">Search papers</label>
    <input id="q" name="q" type="search" placeholder="Search papers  /" value="${o.query ?? ''}" autocomplete="off">
  </form>
  <nav class="account" aria-label="Account">
    ${
      o.viewer
        ? html`${o.viewer.role === 'admin' ? html`<a href="/admin">Admin</a>` : ''}<a href="/settings">${o.viewer.displayName}</a>
    <form method="post" action="/signout" class="inline"><input type="hidden" name="_csrf" value="${o.csrf}"><button class="link" type="submit">Sign out</button></form>`
        : html`<a href="/signin">Sign in</a>`
    }
  </nav>
  </div>
</header>
<main id="main">
${o.body}
</main>
<footer class="site">
  <form method="post" action="/subscribe" class="subscribe">
    <input type="hidden" name="_csrf" value="${o.csrf}">
    <label for="subscribe-email-footer">Get trending papers in your email inbox</label>
    <span class="row"><input id="subscribe-email-footer" name="email" type="email" required placeholder="you@example.org" autocomplete="email">
    <button type="submit">Subscribe</button></span>
  </form>
  <p><a href="/about/trending">How trending works</a> · <a href="/api/docs">API</a> · <a href="/feeds">Feeds</a> · <button type="button" class="link" data-keys hidden>Keyboard shortcuts (?)</button></p>
</footer>
<dialog id="keys-help" aria-labelledby="keys-title">
  <h2 id="keys-title">Keyboard shortcuts</h2>
  <dl class="keys">
    <dt><kbd>j</kbd> / <kbd>k</kbd></dt><dd>next / previous paper</dd>
    <dt><kbd>Enter</kbd></dt><dd>open the selected paper</dd>
    <dt><kbd>u</kbd></dt><dd>upvote the selected paper</dd>
    <dt><kbd>/</kbd></dt><dd>search</dd>
    <dt><kbd>?</kbd></dt><dd>this help</dd>
  </dl>
  <form method="dialog"><button type="submit">Close</button></form>
</dialog>
</body>
</html>`;
  return doc.value;
}

export { raw };
