// paperboy's own API, /api/v1: papers, daily lists, trending with the per-term explanation, search,
// similar papers, authors, categories, comments; and with a personal API token: upvote, submit,
// comment. Old-style arXiv ids keep their slash in paths (/api/v1/papers/hep-th/9901001).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { listComments, addComment, type Comment } from '../community/comments.js';
import { submitPaper } from '../community/submissions.js';
import { setUpvote } from '../community/upvotes.js';
import { explainTrending } from '../rank/explain.js';
import { searchPapers } from '../search/search.js';
import { similarPapers } from '../search/similar.js';
import { authorSummary, categoryCounts, dailyEntries, listingsOf } from '../store/api-queries.js';
import { authorKey, latestDailyDay, papersByAuthor, papersByCategory, type Paper } from '../store/papers.js';
import { trendingPapers } from '../store/trending.js';
import { rangeOf } from './days.js';
import { visiblePaper } from './hf.js';
import type { ApiRegistry } from './registry.js';
import {
  commentBody,
  intParam,
  pageOf,
  pageQuery,
  submitBody,
  submitResult,
  trendingExplanation,
  upvoteBody,
  upvoteResult,
  v1Author,
  v1Category,
  v1Comment,
  v1DailyItem,
  v1DailyQuery,
  v1Me,
  v1Paper,
  v1SearchQuery,
  v1SearchResult,
  v1TrendingItem,
  v1TrendingQuery,
} from './schemas.js';
import { isoMs, toV1Paper } from './shapes.js';

const idParam = [{ name: 'id', description: 'arXiv id (old-style ids keep their slash: hep-th/9901001)', example: '2401.01234' }];
/** Both spellings of a paper path: new-style id in one segment, old-style archive/number in two. */
const paperUrls = (suffix = '') => [`/api/v1/papers/:id${suffix}`, `/api/v1/papers/:archive/:num${suffix}`];
const rawId = (request: FastifyRequest) => {
  const p = request.params as { id?: string; archive?: string; num?: string };
  return p.id ?? `${p.archive}/${p.num}`;
};

/** The URL of the next page, or null when this page was not full. */
function nextUrl(ctx: AppContext, request: FastifyRequest, page: number, limit: number, count: number): string | null {
  if (count < limit) return null;
  const url = new URL(request.url, ctx.config.baseUrl);
  url.searchParams.set('page', String(page + 1));
  return url.toString();
}

const commentOut = (c: Comment) => ({ id: c.id, paperId: c.paperId, parentId: c.parentId, author: c.author, body: c.body, bodyHtml: c.bodyHtml, createdAt: isoMs(c.createdAt), updatedAt: isoMs(c.updatedAt) });

export function registerV1(app: FastifyInstance, ctx: AppContext, api: ApiRegistry): void {
  const base = ctx.config.baseUrl;
  const db = ctx.store.db;
  const withDays = async (papers: Paper[]) => {
    const listings = await listingsOf(
      db,
      papers.map((p) => p.id),
    );
    return papers.map((p) => toV1Paper(base, p, listings.get(p.id)?.day ?? null));
  };

  api.add(app, {
    method: 'GET',
    url: '/api/v1/daily',
    path: '/api/v1/daily',
    tag: 'Papers',
    summary: 'Daily lists',
    description: 'The papers of one day, ISO week or month (default: the most recent list), newest list first, most upvoted first within a day.',
    query: v1DailyQuery,
    response: pageOf(v1DailyItem),
    handler: async ({ query, request }) => {
      let range = rangeOf(query);
      if (!range) {
        const latest = await latestDailyDay(db);
        range = latest ? { from: latest, to: latest } : undefined;
      }
      const entries = range ? await dailyEntries(db, { ...range, sort: 'publishedAt', limit: query.limit, offset: query.page * query.limit }) : [];
      return {
        items: entries.map((e) => ({ day: e.day, submittedAt: isoMs(e.submittedAt), submittedBy: e.submitter?.username ?? null, paper: toV1Paper(base, e, e.day) })),
        page: query.page,
        limit: query.limit,
        next: nextUrl(ctx, request, query.page, query.limit, entries.length),
      };
    },
  });

  api.add(app, {
    method: 'GET',
    url: '/api/v1/trending',
    path: '/api/v1/trending',
    tag: 'Papers',
    summary: 'Trending papers with the explanation of each score',
    description: 'Ranked by the published trending formula of the window; each item carries every term of its score (see /about/trending).',
    query: v1TrendingQuery,
    response: pageOf(v1TrendingItem),
    handler: async ({ query, request }) => {
      const offset = query.page * query.limit;
      const papers = await trendingPapers(db, { window: query.window, limit: query.limit, offset, category: query.category, hasCode: query.hasCode === undefined ? undefined : query.hasCode === 'true' });
      const shaped = await withDays(papers);
      const explanations = await Promise.all(papers.map((p) => explainTrending(ctx, p.id, query.window)));
      return {
        items: papers.map((p, i) => ({ rank: offset + i + 1, score: p.score, explanation: explanations[i], paper: shaped[i] })),
        page: query.page,
        limit: query.limit,
        next: nextUrl(ctx, request, query.page, query.limit, papers.length),
      };
    },
  });

  api.add(app, {
    method: 'GET',
    url: '/api/v1/search',
    path: '/api/v1/search',
    tag: 'Papers',
    summary: 'Search papers',
    description: 'Full-text and semantic search; the query may carry the filters of the search page (e.g. cat:cs.LG, author:"Ada Lovelace").',
    query: v1SearchQuery,
    response: v1SearchResult,
    handler: async ({ query, request }) => {
      const result = await searchPapers(ctx, query.q, { limit: query.limit, offset: query.page * query.limit, mode: query.mode, sort: query.sort });
      const shaped = await withDays(result.hits.map((h) => h.paper));
      return {
        total: result.total,
        items: result.hits.map((h, i) => ({ score: h.score, paper: shaped[i] })),
        page: query.page,
        limit: query.limit,
        next: nextUrl(ctx, request, query.page, query.limit, result.hits.length),
      };
    },
  });

  api.add(app, {
    method: 'GET',
    url: paperUrls(),
    path: '/api/v1/papers/{id}',
    pathParams: idParam,
    tag: 'Papers',
    summary: 'One paper',
    response: v1Paper,
    handler: async ({ request }) => (await withDays([await visiblePaper(ctx, rawId(request))]))[0],
  });

  api.add(app, {
    method: 'GET',
    url: paperUrls('/similar'),
    path: '/api/v1/papers/{id}/similar',
    pathParams: idParam,
    tag: 'Papers',
    summary: 'Similar papers',
    query: z.object({ limit: intParam('limit', 1, 50, 10) }),
    response: z.object({ items: z.array(v1Paper) }),
    handler: async ({ query, request }) => {
      const paper = await visiblePaper(ctx, rawId(request));
      return { items: await withDays(await similarPapers(ctx, paper.id, query.limit)) };
    },
  });

  api.add(app, {
    method: 'GET',
    url: paperUrls('/trending'),
    path: '/api/v1/papers/{id}/trending',
    pathParams: idParam,
    tag: 'Papers',
    summary: "Why a paper is trending: each term of its score",
    response: z.object({ paperId: z.string(), explanation: trendingExplanation.nullable() }),
    handler: async ({ request }) => {
      const paper = await visiblePaper(ctx, rawId(request));
      return { paperId: paper.id, explanation: await explainTrending(ctx, paper.id) };
    },
  });

  api.add(app, {
    method: 'GET',
    url: paperUrls('/comments'),
    path: '/api/v1/papers/{id}/comments',
    pathParams: idParam,
    tag: 'Discussion',
    summary: 'Comments on a paper',
    description: 'Visible comments, oldest first, replies after their parent.',
    response: z.object({ items: z.array(v1Comment) }),
    handler: async ({ request }) => {
      const paper = await visiblePaper(ctx, rawId(request));
      return { items: (await listComments(ctx, paper.id)).filter((c) => !c.hidden).map(commentOut) };
    },
  });

  api.add(app, {
    method: 'GET',
    url: '/api/v1/authors/:name',
    path: '/api/v1/authors/{name}',
    pathParams: [{ name: 'name', description: 'author name as written on a paper (accents and case do not matter)', example: 'Ada Lovelace' }],
    tag: 'Papers',
    summary: "An author's papers",
    query: z.object(pageQuery),
    response: v1Author.extend(pageOf(v1Paper).shape),
    handler: async ({ query, request }) => {
      const key = authorKey((request.params as { name: string }).name);
      const summary = key ? await authorSummary(db, key) : undefined;
      if (!summary) throw notFound('No papers by this author here.');
      const papers = await papersByAuthor(db, key, query.limit, query.page * query.limit);
      return { ...summary, items: await withDays(papers), page: query.page, limit: query.limit, next: nextUrl(ctx, request, query.page, query.limit, papers.length) };
    },
  });

  api.add(app, {
    method: 'GET',
    url: '/api/v1/categories',
    path: '/api/v1/categories',
    tag: 'Papers',
    summary: 'Categories with their number of papers',
    query: z.object({ limit: intParam('limit', 1, 1000, 200) }),
    response: z.object({ items: z.array(v1Category) }),
    handler: async ({ query }) => ({ items: await categoryCounts(db, query.limit) }),
  });

  api.add(app, {
    method: 'GET',
    url: '/api/v1/categories/:category/papers',
    path: '/api/v1/categories/{category}/papers',
    pathParams: [{ name: 'category', description: 'arXiv category', example: 'cs.LG' }],
    tag: 'Papers',
    summary: 'Papers in a category, newest first',
    query: z.object(pageQuery),
    response: pageOf(v1Paper),
    handler: async ({ query, request }) => {
      const category = (request.params as { category: string }).category;
      if (!/^[A-Za-z-]+(\.[A-Za-z-]+)?$/.test(category)) throw badRequest('category must look like cs.LG');
      const papers = await papersByCategory(db, category, query.limit, query.page * query.limit);
      return { items: await withDays(papers), page: query.page, limit: query.limit, next: nextUrl(ctx, request, query.page, query.limit, papers.length) };
    },
  });

  // ---- with a personal API token ----

  api.add(app, {
    method: 'GET',
    url: '/api/v1/me',
    path: '/api/v1/me',
    tag: 'Account',
    auth: true,
    summary: 'The member a token belongs to',
    response: v1Me,
    handler: async ({ user }) => {
      return { username: user.username, displayName: user.displayName, role: user.role };
    },
  });

  api.add(app, {
    method: 'POST',
    url: paperUrls('/upvote'),
    path: '/api/v1/papers/{id}/upvote',
    pathParams: idParam,
    tag: 'Account',
    auth: true,
    summary: 'Upvote a paper, or take the upvote back',
    body: upvoteBody,
    response: upvoteResult,
    handler: async ({ body, user, request }) => {
      const paper = await visiblePaper(ctx, rawId(request));
      return setUpvote(ctx, user, paper.id, body.upvoted);
    },
  });

  api.add(app, {
    method: 'POST',
    url: paperUrls('/comments'),
    path: '/api/v1/papers/{id}/comments',
    pathParams: idParam,
    tag: 'Discussion',
    auth: true,
    summary: 'Comment on a paper (Markdown)',
    body: commentBody,
    response: v1Comment,
    handler: async ({ body, user, request, reply }) => {
      const paper = await visiblePaper(ctx, rawId(request));
      const comment = await addComment(ctx, user, { paperId: paper.id, body: body.body, parentId: body.parentId ?? null });
      reply.code(201);
      return commentOut(comment);
    },
  });

  api.add(app, {
    method: 'POST',
    url: '/api/v1/submissions',
    path: '/api/v1/submissions',
    tag: 'Account',
    auth: true,
    summary: "Submit a paper to today's list",
    description: 'By arXiv id or URL; an unknown paper is imported first. A paper already on a list keeps its day (created: false).',
    body: submitBody,
    response: submitResult,
    handler: async ({ body, user }) => {
      return submitPaper(ctx, user, body.id);
    },
  });
}
