// /trending: papers ranked by the published formula in a window (today, this week, this month),
// filtered by category, by having code, or by a search topic; each with a sparkline of its upvotes
// and its score linking to the explanation on the paper page.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { badRequest } from '../../errors.js';
import { upvotedBy } from '../../community/upvotes.js';
import { searchPapers } from '../../search/search.js';
import { type TrendingWindow, trendingPapers } from '../../store/trending.js';
import { servePage } from '../../web/cache.js';
import { html, type SafeHtml } from '../../web/views/html.js';
import { layout } from '../../web/views/layout.js';
import { paperItem } from '../../web/views/paper-item.js';
import { sparkline } from '../chart.js';
import { decodeSignals, historyOnAxis } from '../formula.js';
import { sharedTrendingVersion } from '../version.js';

const PAGE_SIZE = 30;
const WINDOWS: Array<[TrendingWindow, string]> = [
  ['day', 'Today'],
  ['week', 'This week'],
  ['month', 'This month'],
];
const SPARK_DAYS: Record<TrendingWindow, number> = { day: 7, week: 14, month: 30 };
/** How many search hits a topic filter ranks among (the topic's best matches). */
const TOPIC_HITS = 500;

export interface TrendingFilters {
  window: TrendingWindow;
  category?: string;
  hasCode: boolean;
  topic?: string;
  page: number;
}

/** Reads and checks the query string; anything malformed is a 400 with a message, never a 500. */
export function parseFilters(query: Record<string, unknown>): TrendingFilters {
  const one = (name: string) => {
    const v = query[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw badRequest(`Give ${name} once.`);
    return v;
  };
  const window = one('window') ?? 'week';
  if (!WINDOWS.some(([w]) => w === window)) throw badRequest('window is one of day, week, month.');
  const category = one('category')?.trim();
  if (category !== undefined && !/^[A-Za-z-]{2,20}(\.[A-Za-z-]{1,20})?$/.test(category)) throw badRequest('Categories look like cs.CL or hep-th.');
  const code = one('code');
  if (code !== undefined && !['1', '0', 'on', 'true', 'false'].includes(code)) throw badRequest('code is 1 or 0.');
  const topic = one('topic')?.trim();
  if (topic !== undefined && topic.length > 200) throw badRequest('A topic is at most 200 characters.');
  const pageRaw = one('page') ?? '1';
  if (!/^\d{1,3}$/.test(pageRaw) || Number(pageRaw) < 1 || Number(pageRaw) > 100) throw badRequest('page is a number from 1 to 100.');
  return { window: window as TrendingWindow, category, hasCode: code === '1' || code === 'on' || code === 'true', topic: topic || undefined, page: Number(pageRaw) };
}

function linkTo(f: TrendingFilters, change: Partial<TrendingFilters>): string {
  const n = { ...f, ...change };
  const q = new URLSearchParams();
  if (n.window !== 'week') q.set('window', n.window);
  if (n.category) q.set('category', n.category);
  if (n.hasCode) q.set('code', '1');
  if (n.topic) q.set('topic', n.topic);
  if (n.page > 1) q.set('page', String(n.page));
  const s = q.toString();
  return s ? `/trending?${s}` : '/trending';
}

interface RenderedList {
  items: Array<{ id: string; html: SafeHtml }>;
  more: boolean;
}

async function renderList(ctx: AppContext, f: TrendingFilters, viewer: FastifyRequest['viewer'], csrf: string | undefined): Promise<RenderedList> {
  const ids = f.topic ? (await searchPapers(ctx, f.topic, { limit: TOPIC_HITS, mode: 'keyword' })).hits.map((h) => h.paper.id) : undefined;
  const papers = await trendingPapers(ctx.store.db, {
    window: f.window,
    limit: PAGE_SIZE + 1,
    offset: (f.page - 1) * PAGE_SIZE,
    category: f.category,
    hasCode: f.hasCode || undefined,
    ids,
  });
  const shown = papers.slice(0, PAGE_SIZE);
  const voted = await upvotedBy(ctx, viewer, shown.map((p) => p.id));
  const now = ctx.clock.now().getTime();
  const days = SPARK_DAYS[f.window];
  return {
    more: papers.length > PAGE_SIZE,
    items: shown.map((p) => {
      // The upvotes per day come with the score (the full pass and the incremental update store them).
      const values = historyOnAxis(p.signals ? decodeSignals(p.signals).history : undefined, now, days);
      const total = values.reduce((a, b) => a + b, 0);
      return {
        id: p.id,
        html: paperItem(p, {
        csrf,
          upvoted: voted.has(p.id),
          extra: html`<p class="trend">${sparkline(values, `Upvotes per day over the last ${days} days: ${total} in all`)} <a href="/papers/${p.id}#trend-h" title="Why it is trending">score ${p.score.toFixed(2)}</a></p>`,
        }),
      };
    }),
  };
}

// Anonymous readers get the page from the shared page cache (servePage), one rendering per filter
// set and trending version: a score written by this process (an upvote) shows on the next request,
// one written by another process (the worker's full pass, another web process) within 250 ms.
// Readers arriving while a rendering is under way wait for it instead of rendering the same page.
const rendering = new Map<string, Promise<{ body: string }>>();

function renderOnce(key: string, render: () => Promise<{ body: string }>): Promise<{ body: string }> {
  let pending = rendering.get(key);
  if (!pending) {
    pending = render().finally(() => rendering.delete(key));
    rendering.set(key, pending);
  }
  return pending;
}

export function trendingPage(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const f = parseFilters(request.query as Record<string, unknown>);
    if (request.viewer) return servePage(ctx, request, reply, 'trending', (csrf) => renderPage(ctx, f, request.viewer, csrf));
    const key = `trending:${linkTo(f, {})}:${await sharedTrendingVersion(ctx)}`;
    return servePage(ctx, request, reply, key, (csrf) => renderOnce(key, () => renderPage(ctx, f, null, csrf)));
  };
}

async function renderPage(ctx: AppContext, f: TrendingFilters, viewer: FastifyRequest['viewer'], csrf: string): Promise<{ body: string }> {
  // Signed-in readers see their own upvote buttons; anonymous readers a count (no per-reader state in the cached page).
  const { items, more } = await renderList(ctx, f, viewer, viewer ? csrf : undefined);
  const label = WINDOWS.find(([w]) => w === f.window)![1];
  const body = html`<section class="trending-list">
<h1>Trending papers <small>${label.toLowerCase()}</small></h1>
<p class="muted">Ranked by upvotes, comments, GitHub star growth and views, with older signals counting less. <a href="/about/trending">How the score works</a>.</p>
<nav class="windows" aria-label="Time window">
  ${WINDOWS.map(([w, text]) => html`<a href="${linkTo(f, { window: w, page: 1 })}"${f.window === w ? html` aria-current="page"` : ''}>${text}</a> `)}
</nav>
<form class="filters" method="get" action="/trending" role="search" aria-label="Filter trending papers">
  ${f.window !== 'week' ? html`<input type="hidden" name="window" value="${f.window}">` : ''}
  <label for="tf-category">Category</label> <input id="tf-category" name="category" value="${f.category ?? ''}" placeholder="cs.CL" size="10">
  <label for="tf-topic">Topic</label> <input id="tf-topic" name="topic" type="search" value="${f.topic ?? ''}" placeholder="e.g. diffusion models" maxlength="200">
  <label><input type="checkbox" name="code" value="1"${f.hasCode ? html` checked` : ''}> Has code</label>
  <button type="submit">Filter</button>
  ${f.category || f.topic || f.hasCode ? html`<a href="${linkTo({ window: f.window, hasCode: false, page: 1 }, {})}">Clear filters</a>` : ''}
</form>
${items.length ? '' : html`<p>No trending papers ${f.category || f.topic || f.hasCode ? 'match these filters ' : ''}${label.toLowerCase()} yet.</p>`}
<ol class="papers" start="${(f.page - 1) * PAGE_SIZE + 1}">
${items.map((i) => i.html)}
</ol>
<nav class="pages" aria-label="Pages">
  ${f.page > 1 ? html`<a rel="prev" href="${linkTo(f, { page: f.page - 1 })}">← Previous</a>` : ''}
  ${more && f.page < 100 ? html`<a rel="next" href="${linkTo(f, { page: f.page + 1 })}">Next →</a>` : ''}
</nav>
</section>`;
  return {
    body: layout({
      title: `Trending papers, ${label.toLowerCase()}`,
      description: 'Research papers trending in the community, ranked by a published formula.',
      url: `${ctx.config.baseUrl}${linkTo(f, {})}`,
      body,
      viewer,
      csrf,
      query: f.topic,
    }),
  };
}
