// The Hugging Face compatible endpoints (docs/hf-papers-api.md): the same paths and shapes, so
// huggingface_hub's list_daily_papers, paper_info, list_papers and read_paper work against paperboy.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { parseArxivId } from '../ingest/arxiv-id.js';
import { searchPapers } from '../search/search.js';
import { dailyEntries, listingsOf, newestPapers } from '../store/api-queries.js';
import { getPaper, latestDailyDay, type Paper } from '../store/papers.js';
import { rangeOf } from './days.js';
import { ResponseCache, sendCached } from './http-cache.js';
import type { ApiRegistry } from './registry.js';
import { hfDailyItem, hfDailyQuery, hfPaper, hfSearchQuery } from './schemas.js';
import { paperMarkdown, toHfDailyItem, toHfPaper } from './shapes.js';

/** A paper id from a URL path: arXiv ids with or without version (old style has a slash), or a stored id as is. */
export function paperIdOf(raw: string): string {
  const path = decodeURIComponent(raw).replace(/^\/+|\/+$/g, '');
  return parseArxivId(path)?.id ?? path.replace(/v\d+$/, '');
}

export async function visiblePaper(ctx: AppContext, raw: string): Promise<Paper> {
  const id = paperIdOf(raw);
  const paper = id && id.length <= 300 ? await getPaper(ctx.store.db, id) : undefined;
  if (!paper || paper.hidden) throw notFound(`No paper ${id} here.`);
  return paper;
}

export function registerHf(app: FastifyInstance, ctx: AppContext, api: ApiRegistry): void {
  const cache = new ResponseCache();

  api.add(app, {
    method: 'GET',
    url: '/api/daily_papers',
    path: '/api/daily_papers',
    tag: 'Hugging Face compatible',
    summary: 'Daily papers',
    description:
      'The daily lists: one day (date), an ISO week (week) or a month (month); without any, the most recent list. Page with p (from 0) and limit. sort=trending orders by the trending score.',
    query: hfDailyQuery,
    response: z.array(hfDailyItem),
    handler: async ({ query, request, reply }) =>
      sendCached(ctx, request, reply, {
        cache,
        key: request.url,
        type: 'application/json; charset=utf-8',
        cacheControl: 'public, max-age=60',
        cors: true,
        build: async () => {
          let range = rangeOf(query);
          if (!range) {
            const latest = await latestDailyDay(ctx.store.db);
            if (!latest) return { body: '[]' };
            range = { from: latest, to: latest };
          }
          const entries = await dailyEntries(ctx.store.db, { ...range, submitter: query.submitter, sort: query.sort, limit: query.limit, offset: query.p * query.limit });
          const items = entries.map((e) => toHfDailyItem(e, e));
          const lastModified = entries.reduce((m, e) => (e.changedAt > m ? e.changedAt : m), '');
          return { body: JSON.stringify(items), lastModified: lastModified || null };
        },
      }),
  });

  api.add(app, {
    method: 'GET',
    url: '/api/papers/search',
    path: '/api/papers/search',
    tag: 'Hugging Face compatible',
    summary: 'Search papers',
    description: 'Papers matching q, most relevant first, as daily-item-shaped objects; without q, the newest papers.',
    query: hfSearchQuery,
    response: z.array(hfDailyItem),
    handler: async ({ query }) => {
      const papers = query.q ? (await searchPapers(ctx, query.q, { limit: query.limit })).hits.map((h) => h.paper) : await newestPapers(ctx.store.db, query.limit);
      const listings = await listingsOf(
        ctx.store.db,
        papers.map((p) => p.id),
      );
      return papers.map((p) => toHfDailyItem(p, listings.get(p.id)));
    },
  });

  api.add(app, {
    method: 'GET',
    url: '/api/papers/*',
    path: '/api/papers/{id}',
    pathParams: [{ name: 'id', description: 'arXiv id, with or without version; old-style ids keep their slash (hep-th/9901001)', example: '2401.01234' }],
    tag: 'Hugging Face compatible',
    summary: 'One paper',
    description: 'The paper object (the fields of a daily item\'s "paper").',
    response: hfPaper,
    handler: async ({ request }) => {
      const paper = await visiblePaper(ctx, (request.params as { '*': string })['*']);
      const listing = (await listingsOf(ctx.store.db, [paper.id])).get(paper.id);
      return toHfPaper(paper, listing);
    },
  });

  // The web pages own /papers/*; these more specific routes win for URLs ending in .md.
  api.add(app, {
    method: 'GET',
    url: ['/papers/:id.md', '/papers/:archive/:num.md'],
    path: '/papers/{id}.md',
    pathParams: [{ name: 'id', description: 'arXiv id, with or without version', example: '2401.01234' }],
    tag: 'Hugging Face compatible',
    summary: 'Paper page as Markdown',
    produces: 'text/markdown',
    handler: async ({ request, reply }) => {
      const params = request.params as { id?: string; archive?: string; num?: string };
      const paper = await visiblePaper(ctx, params.id ?? `${params.archive}/${params.num}`);
      const listing = (await listingsOf(ctx.store.db, [paper.id])).get(paper.id);
      return reply.type('text/markdown; charset=utf-8').send(paperMarkdown(ctx.config.baseUrl, paper, listing));
    },
  });
}
