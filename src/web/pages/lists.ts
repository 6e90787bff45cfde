// Author and category pages: their papers, newest first, paginated.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { badRequest } from '../../errors.js';
import { authorKey, papersByAuthor, papersByCategory } from '../../store/papers.js';
import { servePage } from '../cache.js';
import { html } from '../views/html.js';
import { layout } from '../views/layout.js';
import { paperItem } from '../views/paper-item.js';

const PER_PAGE = 25;

function pageNumber(q: unknown): number {
  const n = Number(q ?? 1);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw badRequest('Pages are numbered 1, 2, 3…');
  return n;
}

function pager(base: string, page: number, more: boolean) {
  if (page === 1 && !more) return html``;
  return html`<nav class="pager" aria-label="Pages">
  ${page > 1 ? html`<a rel="prev" href="${base}${page > 2 ? `?page=${page - 1}` : ''}">← Newer</a>` : html`<span></span>`}
  <span>Page ${page}</span>
  ${more ? html`<a rel="next" href="${base}?page=${page + 1}">Older →</a>` : html`<span></span>`}
</nav>`;
}

export function authorPage(ctx: AppContext) {
  return async (request: FastifyRequest<{ Params: { name: string }; Querystring: { page?: string } }>, reply: FastifyReply) => {
    const name = request.params.name.trim();
    if (!name || name.length > 200) throw badRequest('Author names are 1 to 200 characters.');
    const page = pageNumber(request.query.page);
    const key = authorKey(name);
    return servePage(ctx, request, reply, `author:${key}:${page}`, async (csrf) => {
      const rows = await papersByAuthor(ctx.store.db, key, PER_PAGE + 1, (page - 1) * PER_PAGE);
      const papers = rows.slice(0, PER_PAGE);
      // Show the name as the papers spell it (accents, case), not as typed in the URL.
      const shown = papers[0]?.authors.find((a) => authorKey(a) === key) ?? name;
      const base = `/authors/${encodeURIComponent(shown)}`;
      const body = html`<section class="list-page">
<h1>${shown}</h1>
<p class="period">Papers by this author, newest first · <a href="/feeds/author/${encodeURIComponent(shown)}.rss">RSS feed</a></p>
${papers.length ? '' : html`<p class="empty">No papers by ${shown} in this library yet.</p>`}
<ol class="papers">${papers.map((p) => paperItem(p, { csrf: request.viewer ? csrf : undefined, signInToVote: true }))}</ol>
${pager(base, page, rows.length > PER_PAGE)}
</section>`;
      return {
        status: 200,
        body: layout({
          title: `${shown}: papers`,
          description: `Research papers by ${shown}`,
          body,
          viewer: request.viewer,
          csrf,
          url: `${ctx.config.baseUrl}${base}`,
          head: html`<link rel="alternate" type="application/rss+xml" title="Papers by ${shown}" href="/feeds/author/${encodeURIComponent(shown)}.rss">`,
        }),
      };
    }, {});
  };
}

export function categoryPage(ctx: AppContext) {
  return async (request: FastifyRequest<{ Params: { category: string }; Querystring: { page?: string } }>, reply: FastifyReply) => {
    const category = request.params.category.trim();
    if (!/^[A-Za-z-]+(\.[A-Za-z-]+)?$/.test(category)) throw badRequest('Categories look like cs.LG or hep-th.');
    const page = pageNumber(request.query.page);
    return servePage(ctx, request, reply, `category:${category}:${page}`, async (csrf) => {
      const rows = await papersByCategory(ctx.store.db, category, PER_PAGE + 1, (page - 1) * PER_PAGE);
      const papers = rows.slice(0, PER_PAGE);
      const base = `/categories/${encodeURIComponent(category)}`;
      const body = html`<section class="list-page">
<h1>${category}</h1>
<p class="period">Papers in this category, newest first · <a href="/feeds/category/${encodeURIComponent(category)}.rss">RSS feed</a></p>
${papers.length ? '' : html`<p class="empty">No papers in ${category} yet.</p>`}
<ol class="papers">${papers.map((p) => paperItem(p, { csrf: request.viewer ? csrf : undefined, signInToVote: true }))}</ol>
${pager(base, page, rows.length > PER_PAGE)}
</section>`;
      return {
        body: layout({
          title: `${category}: papers`,
          description: `Research papers in ${category}`,
          body,
          viewer: request.viewer,
          csrf,
          url: `${ctx.config.baseUrl}${base}`,
          head: html`<link rel="alternate" type="application/rss+xml" title="Papers in ${category}" href="/feeds/category/${encodeURIComponent(category)}.rss">`,
        }),
      };
    }, {});
  };
}
