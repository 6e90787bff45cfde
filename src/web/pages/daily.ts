// The daily list (and its weekly and monthly views): papers the community put on the list of a
// period, most upvoted or newest first, with navigation to the neighbouring periods.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { badRequest } from '../../errors.js';
import { upvotedBy } from '../../community/upvotes.js';
import { nextListedDay, previousListedDay, submitterNames } from '../../store/daily.js';
import { dailyPapers, latestDailyDay } from '../../store/papers.js';
import { servePage } from '../cache.js';
import { longDay, monthName, monthRange, shiftMonth, shiftWeek, validDay, weekOf, weekRange } from '../dates.js';
import { html, type SafeHtml } from '../views/html.js';
import { layout } from '../views/layout.js';
import { paperItem } from '../views/paper-item.js';

type Kind = 'day' | 'week' | 'month';
type Sort = 'upvotes' | 'newest';

interface Period {
  kind: Kind;
  label: string;
  from: string;
  to: string;
  path: string;
  prev?: string; // paths
  next?: string;
}

const feedLinks = html`<link rel="alternate" type="application/rss+xml" title="paperboy daily papers (RSS)" href="/feeds/daily.rss">
<link rel="alternate" type="application/atom+xml" title="paperboy daily papers (Atom)" href="/feeds/daily.atom">
<link rel="alternate" type="application/feed+json" title="paperboy daily papers (JSON Feed)" href="/feeds/daily.json">`;

async function periodOf(ctx: AppContext, kind: Kind, param: string | undefined): Promise<Period> {
  const today = ctx.clock.now().toISOString().slice(0, 10);
  if (kind === 'day') {
    if (param !== undefined && !validDay(param)) throw badRequest('Dates look like 2024-01-31.');
    const day = param ?? (await latestDailyDay(ctx.store.db)) ?? today;
    const prev = await previousListedDay(ctx.store.db, day);
    const next = await nextListedDay(ctx.store.db, day);
    return { kind, label: longDay(day), from: day, to: day, path: `/papers/date/${day}`, prev: prev && `/papers/date/${prev}`, next: next && `/papers/date/${next}` };
  }
  if (kind === 'week') {
    const r = weekRange(param ?? '');
    if (!r) throw badRequest('Weeks look like 2024-W05.');
    return { kind, label: `Week ${param!.slice(6)} of ${param!.slice(0, 4)}`, ...r, path: `/papers/week/${param}`, prev: `/papers/week/${shiftWeek(param!, -1)}`, next: r.to < today ? `/papers/week/${shiftWeek(param!, 1)}` : undefined };
  }
  const r = monthRange(param ?? '');
  if (!r) throw badRequest('Months look like 2024-01.');
  return { kind, label: monthName(param!), ...r, path: `/papers/month/${param}`, prev: `/papers/month/${shiftMonth(param!, -1)}`, next: r.to < today ? `/papers/month/${shiftMonth(param!, 1)}` : undefined };
}

const minDay = (a: string, b: string) => (a < b ? a : b);

function sortLinks(period: Period, sort: Sort): SafeHtml {
  const link = (s: Sort, label: string) =>
    s === sort ? html`<a href="${period.path}${s === 'upvotes' ? '' : '?sort=newest'}" aria-current="true">${label}</a>` : html`<a href="${period.path}${s === 'upvotes' ? '' : '?sort=newest'}">${label}</a>`;
  return html`<nav class="sort" aria-label="Sort">${link('upvotes', 'Most upvoted')}${link('newest', 'Newest')}</nav>`;
}

export function dailyPage(ctx: AppContext, kind: Kind = 'day') {
  return async (request: FastifyRequest<{ Params: { day?: string; week?: string; month?: string }; Querystring: { sort?: string } }>, reply: FastifyReply) => {
    const param = request.params.day ?? request.params.week ?? request.params.month;
    const sort: Sort = request.query.sort === 'newest' ? 'newest' : 'upvotes';
    if (kind === 'day' && param !== undefined && !validDay(param)) throw badRequest('Dates look like 2024-01-31.');
    if (kind === 'week' && !weekRange(param ?? '')) throw badRequest('Weeks look like 2024-W05.');
    if (kind === 'month' && !monthRange(param ?? '')) throw badRequest('Months look like 2024-01.');
    // The period (latest day, neighbours) is computed inside the render: cached with the page.
    return servePage(ctx, request, reply, `daily:${kind}:${param ?? 'latest'}:${sort}`, async (csrf) => {
      const period = await periodOf(ctx, kind, param);
      let papers = await dailyPapers(ctx.store.db, period.from, period.to);
      if (sort === 'newest') papers = [...papers].sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0));
      const names = await submitterNames(
        ctx.store.db,
        papers.flatMap((p) => (p.submittedBy === null ? [] : [p.submittedBy])),
      );
      const voted = await upvotedBy(ctx, request.viewer, papers.map((p) => p.id));
      let empty: SafeHtml | string = '';
      if (!papers.length) {
        const before = await previousListedDay(ctx.store.db, period.from);
        const after = await nextListedDay(ctx.store.db, period.to);
        empty = html`<div class="empty"><p>No papers on the list for ${period.kind === 'day' ? 'this day' : period.kind === 'week' ? 'this week' : 'this month'}.</p>
        ${before || after ? html`<p>Nearest lists: ${before ? html`<a href="/papers/date/${before}">${longDay(before)}</a>` : ''}${before && after ? ' · ' : ''}${after ? html`<a href="/papers/date/${after}">${longDay(after)}</a>` : ''}</p>` : html`<p><a href="/submit">Submit a paper</a> to start the list.</p>`}</div>`;
      }
      const day = period.kind === 'day' ? period.from : undefined;
      const body = html`<section class="daily">
<header class="list-head">
  <div>
    <h1>Daily papers</h1>
    <p class="period">${period.label}${papers.length ? html` · ${papers.length} ${papers.length === 1 ? 'paper' : 'papers'}` : ''}</p>
    <p class="tagline">by the research community</p>
  </div>
  <form class="datepick" action="/papers/date" method="get">
    <label for="pick-day">Go to day</label>
    <input id="pick-day" type="date" name="day" value="${day ?? period.from}" required>
    <button type="submit">Go</button>
  </form>
</header>
<nav class="period-nav" aria-label="Periods">
  ${period.prev ? html`<a rel="prev" href="${period.prev}">← Previous</a>` : html`<span></span>`}
  <span class="zoom">${day ? html`<a href="/papers/week/${weekOf(day)}">Week</a> · <a href="/papers/month/${day.slice(0, 7)}">Month</a>` : html`<a href="/papers/date/${minDay(period.to, ctx.clock.now().toISOString().slice(0, 10))}">Day</a>`}</span>
  ${period.next ? html`<a rel="next" href="${period.next}">Next →</a>` : html`<span></span>`}
</nav>
${sortLinks(period, sort)}
${empty}
<ol class="papers" id="papers">
${papers.map((p) =>
  paperItem(p, {
    csrf: request.viewer ? csrf : undefined,
    signInToVote: true,
    upvoted: voted.has(p.id),
    submitter: p.submittedBy === null ? null : (names.get(p.submittedBy) ?? null),
  }),
)}
</ol>
<aside class="subscribe-box" aria-labelledby="subscribe-title">
  <h2 id="subscribe-title">Get trending papers in your email inbox</h2>
  <form method="post" action="/subscribe" class="subscribe">
    <input type="hidden" name="_csrf" value="${csrf}">
    <label class="visually-hidden" for="subscribe-email">E-mail address</label>
    <span class="row"><input id="subscribe-email" name="email" type="email" required placeholder="you@example.org" autocomplete="email">
    <button type="submit">Subscribe</button></span>
  </form>
</aside>
</section>`;
      return {
        body: layout({
          title: period.kind === 'day' ? `Daily papers, ${period.label}` : `Papers of ${period.label}`,
          description: `Research papers picked by the community for ${period.label}${papers[0] ? `: ${papers[0].title.slice(0, 120)}` : ''}`,
          body,
          viewer: request.viewer,
          csrf,
          url: `${ctx.config.baseUrl}${period.path}`,
          head: feedLinks,
          section: 'daily',
        }),
      };
    }, {});
  };
}

/** The date picker's GET form lands here: /papers/date?day=YYYY-MM-DD → /papers/date/YYYY-MM-DD. */
export function datePick() {
  return async (request: FastifyRequest<{ Querystring: { day?: string } }>, reply: FastifyReply) => {
    const day = String(request.query.day ?? '');
    if (!validDay(day)) throw badRequest('Dates look like 2024-01-31.');
    return reply.redirect(`/papers/date/${day}`, 303);
  };
}
