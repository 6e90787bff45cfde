// The search results page: /search?q=&mode=&sort=&page=. A pasted arXiv id or URL goes straight to
// the paper (imported through the Atom client first when unknown and the viewer is signed in).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { fetchArxivPapers } from '../../ingest/atom-client.js';
import { parseArxivId } from '../../ingest/arxiv-id.js';
import { getPaper, upsertPapers } from '../../store/papers.js';
import { html, raw, type SafeHtml } from '../../web/views/html.js';
import { layout } from '../../web/views/layout.js';
import { paperItem } from '../../web/views/paper-item.js';
import { noResultsHelp, type SearchMode, type SearchResult, type SearchSort, searchPapers } from '../search.js';
import { withoutChip } from '../query.js';

const PER_PAGE = 20;
const MAX_PAGE = 50;
const MODES: SearchMode[] = ['hybrid', 'keyword', 'semantic'];
const SORTS: SearchSort[] = ['relevance', 'date', 'trending'];

type Query = Record<string, unknown>;

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const str = (v: unknown) => (typeof one(v) === 'string' ? (one(v) as string) : '');

export function searchPage(ctx: AppContext) {
  return async (request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply) => {
    const q = str(request.query.q).slice(0, 10_000);
    const mode = (MODES as string[]).includes(str(request.query.mode)) ? (str(request.query.mode) as SearchMode) : 'hybrid';
    const sort = (SORTS as string[]).includes(str(request.query.sort)) ? (str(request.query.sort) as SearchSort) : 'relevance';
    const page = Math.min(MAX_PAGE, Math.max(1, Number.parseInt(str(request.query.page), 10) || 1));
    const send = (title: string, body: SafeHtml) =>
      reply.type('text/html; charset=utf-8').send(
        layout({ title, body, viewer: request.viewer, csrf: request.csrfToken, query: q, head: html`<script src="/search/assets/suggest.js" defer></script><meta name="robots" content="noindex">` }),
      );

    const arxiv = parseArxivId(q);
    if (arxiv) {
      const known = await getPaper(ctx.store.db, arxiv.id);
      if (known && !known.hidden) return reply.redirect(`/papers/${encodeURI(arxiv.id)}`, 303);
      if (!known && request.viewer) {
        try {
          const found = await fetchArxivPapers(ctx, [arxiv.id]);
          if (found.length) {
            await upsertPapers(ctx.store.db, found, ctx.clock.now().toISOString());
            return reply.redirect(`/papers/${encodeURI(arxiv.id)}`, 303);
          }
        } catch (err) {
          ctx.log.warn({ err: (err as Error).message, id: arxiv.id }, 'arXiv import from search failed');
          return send(`arXiv ${arxiv.id}`, html`<h1>arXiv ${arxiv.id}</h1><p>This paper is not here yet, and arXiv could not be asked just now. Try again in a minute, or <a href="https://arxiv.org/abs/${arxiv.id}">open it on arXiv</a>.</p>`);
        }
      }
      return send(
        `arXiv ${arxiv.id}`,
        html`<h1>arXiv ${arxiv.id}</h1>
<p>${request.viewer ? 'arXiv has no paper with this identifier.' : raw(`This paper is not in this index yet. <a href="/signin?next=${encodeURIComponent(`/search?q=${arxiv.id}`)}">Sign in</a> to import it from arXiv, or `)}
<a href="https://arxiv.org/abs/${arxiv.id}">open it on arXiv</a>.</p>`,
      );
    }

    if (!q.trim()) return send('Search', html`<h1>Search papers</h1>${syntaxHelp()}`);

    const result = await searchPapers(ctx, q, { limit: PER_PAGE, offset: (page - 1) * PER_PAGE, mode, sort });
    const link = (o: { q?: string; mode?: string; sort?: string; page?: number }) => {
      const p = new URLSearchParams({ q: o.q ?? q });
      if ((o.mode ?? mode) !== 'hybrid') p.set('mode', o.mode ?? mode);
      if ((o.sort ?? sort) !== 'relevance') p.set('sort', o.sort ?? sort);
      if (o.page && o.page > 1) p.set('page', String(o.page));
      return `/search?${p}`;
    };
    const body = html`<section class="search-results">
<h1>Results for “${q.length > 120 ? `${q.slice(0, 120)}…` : q}”</h1>
${chips(result, q, link)}
<p class="search-count" role="status">${countText(result)}</p>
<nav class="search-options" aria-label="Search options">
  <span>Mode:</span> ${MODES.map((m) => (m === mode ? html`<strong>${m}</strong> ` : html`<a href="${link({ mode: m })}">${m}</a> `))}
  <span>Sort:</span> ${SORTS.map((s) => (s === sort ? html`<strong>${s}</strong> ` : html`<a href="${link({ sort: s })}">${s}</a> `))}
</nav>
${result.notice ? html`<p class="notice">${result.notice}</p>` : ''}
${result.relaxed ? html`<p class="notice">No paper has all of your words; these have some of them.</p>` : ''}
${result.hits.length ? html`<ol class="papers">${result.hits.map((h) => paperItem(h.paper, h.highlights ? { titleHtml: raw(h.highlights.title), abstractHtml: raw(h.highlights.abstract) } : {}))}</ol>` : await noResults(ctx, q, link)}
${pagination(result, page, link)}
</section>`;
    return send(`Search: ${q.slice(0, 60)}`, body);
  };
}

function countText(r: SearchResult): string {
  if (r.total === 0) return 'No papers found.';
  const n = r.total.toLocaleString('en');
  return r.capped ? `More than ${n} papers` : `${n} paper${r.total === 1 ? '' : 's'}`;
}

function chips(r: SearchResult, q: string, link: (o: { q?: string }) => string): SafeHtml | string {
  const list = r.parsed?.chips ?? [];
  if (!list.length) return '';
  return html`<ul class="chips" aria-label="Filters">${list.map(
    (c) => html`<li class="chip">${c.label} <a href="${link({ q: withoutChip(q, c.raw) || ' ' })}" aria-label="Remove filter ${c.label}">×</a></li>`,
  )}</ul>`;
}

function pagination(r: SearchResult, page: number, link: (o: { page?: number }) => string): SafeHtml | string {
  const hasNext = page < MAX_PAGE && page * PER_PAGE < r.total;
  if (page === 1 && !hasNext) return '';
  return html`<nav class="pagination" aria-label="Pages">
  ${page > 1 ? html`<a rel="prev" href="${link({ page: page - 1 })}">← Previous</a>` : ''}
  <span>Page ${page}</span>
  ${hasNext ? html`<a rel="next" href="${link({ page: page + 1 })}">Next →</a>` : ''}
</nav>`;
}

async function noResults(ctx: AppContext, q: string, link: (o: { q?: string }) => string): Promise<SafeHtml> {
  const help = await noResultsHelp(ctx, q);
  return html`<div class="no-results">
${help.suggestion ? html`<p>Did you mean <a href="${link({ q: help.suggestion })}">${help.suggestion}</a>?</p>` : ''}
${help.withoutFilters.length ? html`<p>Without a filter:</p><ul>${help.withoutFilters.map((d) => html`<li><a href="${link({ q: d.query })}">${d.query}</a> (${d.total.toLocaleString('en')} without ${d.label})</li>`)}</ul>` : ''}
${syntaxHelp()}
</div>`;
}

function syntaxHelp(): SafeHtml {
  return html`<details class="search-help"><summary>How to search</summary>
<ul>
  <li><code>"exact phrase"</code> finds the words in this order; <code>-word</code> leaves out papers with a word</li>
  <li><code>author:hinton</code>, <code>cat:cs.CL</code>, <code>year:2024</code>, <code>after:2024-01-01</code>, <code>before:2024-06-30</code>, <code>has:code</code></li>
  <li>Paste an arXiv id or link (<code>2401.01234</code>, <code>https://arxiv.org/abs/2401.01234</code>) to go to the paper</li>
</ul></details>`;
}
