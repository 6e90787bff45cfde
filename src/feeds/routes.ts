// Routes of RSS, Atom and JSON Feed for every list, and the /feeds page that lists them.
//   /feeds/daily.{rss,atom,json}            /feeds/trending/{day,week,month}.{rss,atom,json}
//   /feeds/search.{rss,atom,json}?q=...     /feeds/category/CAT.{...}   /feeds/author/NAME.{...}
//   /feeds/topics/TOKEN.{...} (private)     ?limit=1..100 (default 50) on each; search also ?mode= &sort=
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { ResponseCache, sendCached } from '../api/http-cache.js';
import { html } from '../web/views/html.js';
import { layout } from '../web/views/layout.js';
import { renderAtom } from './atom.js';
import { renderJsonFeed } from './json-feed.js';
import { FORMATS, type FeedKind, feedLinks, feedPath } from './links.js';
import type { FeedDocument, FeedFormat } from './model.js';
import { renderRss } from './rss.js';
import { DEFAULT_ITEMS, type FeedRequest, loadFeed, MAX_ITEMS } from './sources.js';

const CONTENT_TYPE: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};
const RENDER: Record<FeedFormat, (doc: FeedDocument) => string> = { rss: renderRss, atom: renderAtom, json: renderJsonFeed };

/** Which feed a path under /feeds/ names, or undefined. */
export function parseFeedPath(rest: string, query: Record<string, unknown>): (Omit<FeedRequest, 'limit'> & { format: FeedFormat }) | undefined {
  const m = /^(.+)\.(rss|atom|json)$/.exec(rest);
  if (!m) return undefined;
  const [, name, format] = m as unknown as [string, string, FeedFormat];
  if (name === 'daily') return { kind: 'daily', format };
  if (name === 'search') return { kind: 'search', arg: typeof query.q === 'string' ? query.q : '', format };
  const slash = name.indexOf('/');
  if (slash < 1) return undefined;
  const kind = name.slice(0, slash) as FeedKind;
  const arg = name.slice(slash + 1);
  if (!['trending', 'category', 'author', 'topics'].includes(kind) || !arg) return undefined;
  return { kind, arg, format };
}

function limitOf(value: unknown): number {
  if (value === undefined) return DEFAULT_ITEMS;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < 1 || n > MAX_ITEMS) throw badRequest(`limit must be an integer from 1 to ${MAX_ITEMS}`);
  return n;
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw badRequest(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export default async function routes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const cache = new ResponseCache();

  // Answered in preValidation, before the session hook: a feed needs no session and a public,
  // cacheable response must carry no Set-Cookie. (The rate limit runs before, in onRequest.)
  const serveFeed = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = request.query as Record<string, unknown>;
    const feed = parseFeedPath((request.params as { '*': string })['*'], query);
    if (!feed) throw notFound('There is no feed at this address. The list of feeds is at /feeds.');
    const limit = limitOf(query.limit);
    const mode = oneOf(query.mode, 'mode', ['hybrid', 'keyword', 'semantic'] as const);
    const sort = oneOf(query.sort, 'sort', ['relevance', 'date', 'trending'] as const);
    const isPrivate = feed.kind === 'topics';
    return sendCached(ctx, request, reply, {
      // A private feed is rebuilt each time so that revoking its URL takes effect at once.
      cache: isPrivate ? null : cache,
      key: request.url,
      type: CONTENT_TYPE[feed.format],
      cacheControl: isPrivate ? 'private, max-age=300' : 'public, max-age=300',
      cors: !isPrivate,
      build: async () => {
        const doc = await loadFeed(ctx, { kind: feed.kind, arg: feed.arg, limit, mode, sort });
        return { body: RENDER[feed.format](doc), lastModified: doc.lastModified };
      },
    });
  };
  app.get('/feeds/*', { preValidation: serveFeed }, serveFeed);

  app.get('/feeds', async (request, reply) => {
    const row = (kind: FeedKind, arg: string | undefined, label: string) =>
      html`<li>${label}: ${(Object.keys(FORMATS) as FeedFormat[]).map((f, i) => html`${i ? ' · ' : ''}<a href="${feedPath(kind, arg, f)}">${FORMATS[f].label}</a>`)}</li>`;
    const body = html`<article class="feeds">
<h1>Feeds</h1>
<p>Every list is a feed in RSS 2.0, Atom 1.0 and JSON Feed 1.1. Add <code>?limit=N</code> (1 to ${MAX_ITEMS}, default ${DEFAULT_ITEMS}) to change the number of items.</p>
<ul>
${row('daily', undefined, 'Daily papers (the last week of lists)')}
${row('trending', 'day', 'Trending today')}
${row('trending', 'week', 'Trending this week')}
${row('trending', 'month', 'Trending this month')}
</ul>
<h2>Any search, category or author</h2>
<ul>
<li>Search: <code>/feeds/search.rss?q=diffusion+cat:cs.CV</code> (the query may carry the search page's filters)</li>
<li>Category: <code>/feeds/category/cs.LG.atom</code></li>
<li>Author: <code>/feeds/author/Ada%20Lovelace.json</code></li>
</ul>
<form method="get" action="/feeds/search.rss">
<label for="feed-q">Feed of a search</label> <input id="feed-q" name="q" required maxlength="250"> <button type="submit">Open RSS feed</button>
</form>
<h2>Your saved topics</h2>
<p>Signed-in members get a private feed of the topics, categories and authors they follow: create its secret URL at <a href="/settings/tokens">/settings/tokens</a>, revoke it there too.</p>
</article>`;
    return reply
      .type('text/html; charset=utf-8')
      .send(layout({ title: 'Feeds', description: 'RSS, Atom and JSON feeds of every paperboy list', body, viewer: request.viewer, csrf: request.csrfToken, head: feedLinks('daily') }));
  });
}
