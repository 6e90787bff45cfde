// What each feed lists: the daily list, trending (per window), a search, a category, an author, a
// member's saved topics. Returns format-neutral documents; routes.ts renders and caches them.
import type { AppContext } from '../context.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { type SearchMode, type SearchSort, searchPapers } from '../search/search.js';
import { type DailyEntry, dailyEntries, savedTopicsOf } from '../store/api-queries.js';
import { userByToken } from '../store/api-tokens.js';
import { authorKey, latestDailyDay, type Paper, papersByAuthor, papersByCategory } from '../store/papers.js';
import { trendingPapers, type TrendingWindow } from '../store/trending.js';
import { type FeedKind, feedPath, feedTitle } from './links.js';
import { type FeedDocument, type FeedFormat, type FeedItem, paperItem } from './model.js';

export const MAX_ITEMS = 100;
export const DEFAULT_ITEMS = 50;
// The daily feed spans a week of lists so a reader that polls rarely still sees every day.
const DAILY_SPAN_DAYS = 7;

export interface FeedRequest {
  kind: FeedKind;
  arg?: string;
  limit: number;
  /** Search feeds: as on the search page; feeds default to the newest matches first. */
  mode?: SearchMode;
  sort?: SearchSort;
}

const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export async function loadFeed(ctx: AppContext, req: FeedRequest): Promise<FeedDocument> {
  const base = ctx.config.baseUrl;
  const { items, home, description } = await itemsOf(ctx, req);
  const max = (values: string[]) => values.reduce((m, v) => (v > m ? v : m), new Date(0).toISOString());
  const url = (format: FeedFormat) => `${base}${feedPath(req.kind, req.arg, format)}`;
  return {
    // The feed's id is its address without the format, the same for the three formats.
    id: url('atom').replace(/\.atom(\?|$)/, '$1'),
    title: `${feedTitle(req.kind, req.kind === 'topics' ? undefined : req.arg)} · paperboy`,
    description,
    homeUrl: `${base}${home}`,
    urls: { rss: url('rss'), atom: url('atom'), json: url('json') },
    updated: max(items.flatMap((i) => [i.published, i.updated])),
    lastModified: max(items.flatMap((i) => [i.published, i.updated, i.changedAt])),
    items,
  };
}

interface Loaded {
  items: FeedItem[];
  home: string;
  description: string;
}

async function itemsOf(ctx: AppContext, req: FeedRequest): Promise<Loaded> {
  const db = ctx.store.db;
  const base = ctx.config.baseUrl;
  const plain = (papers: Paper[]) => papers.map((p) => paperItem(base, p));
  switch (req.kind) {
    case 'daily': {
      const latest = await latestDailyDay(db);
      const entries: DailyEntry[] = latest ? await dailyEntries(db, { from: shiftDay(latest, -(DAILY_SPAN_DAYS - 1)), to: latest, sort: 'publishedAt', limit: req.limit, offset: 0 }) : [];
      return {
        items: entries.map((e) => paperItem(base, e, e.submittedAt.slice(0, 10) === e.day ? e.submittedAt : `${e.day}T00:00:00Z`)),
        home: '/',
        description: 'The papers the community put on the daily list, most recent list first.',
      };
    }
    case 'trending': {
      const window = req.arg as TrendingWindow;
      if (!['day', 'week', 'month'].includes(window)) throw notFound('Trending feeds exist for day, week and month.');
      return { items: plain(await trendingPapers(db, { window, limit: req.limit })), home: `/trending?window=${window}`, description: `The most trending papers of the ${window}, by paperboy's published formula.` };
    }
    case 'search': {
      const q = (req.arg ?? '').trim();
      if (!q) throw badRequest('q is required: the search query of the feed');
      if (q.length > 250) throw badRequest('q must be at most 250 characters');
      const result = await searchPapers(ctx, q, { limit: req.limit, mode: req.mode, sort: req.sort ?? 'date' });
      return { items: plain(result.hits.map((h) => h.paper)), home: `/search?q=${encodeURIComponent(q)}`, description: `Newest papers matching the search “${q}”.` };
    }
    case 'category': {
      const cat = req.arg ?? '';
      if (!/^[A-Za-z-]+(\.[A-Za-z-]+)?$/.test(cat)) throw badRequest('category must look like cs.LG');
      return { items: plain(await papersByCategory(db, cat, req.limit)), home: `/categories/${encodeURIComponent(cat)}`, description: `Newest papers in ${cat}.` };
    }
    case 'author': {
      const name = (req.arg ?? '').trim();
      const key = authorKey(name);
      if (!key || name.length > 200) throw badRequest('the author name is missing or too long');
      return { items: plain(await papersByAuthor(db, key, req.limit)), home: `/authors/${encodeURIComponent(name)}`, description: `Newest papers by ${name}.` };
    }
    case 'topics': {
      const user = await userByToken(db, 'feed', req.arg ?? '', ctx.clock.now().toISOString());
      if (!user) throw new AppError('not_found', 'This private feed does not exist or its URL was revoked.');
      return { items: await topicItems(ctx, user.id, req.limit), home: '/settings', description: 'Papers matching the topics, categories and authors you follow.' };
    }
  }
}

/** Papers of every followed topic, category and author, newest first, each paper once. */
async function topicItems(ctx: AppContext, userId: number, limit: number): Promise<FeedItem[]> {
  const db = ctx.store.db;
  const saved = await savedTopicsOf(db, userId);
  const lists = await Promise.all([
    ...saved.topics.slice(0, 20).map(async (t) => (await searchPapers(ctx, t, { limit, sort: 'date' })).hits.map((h) => h.paper)),
    ...saved.categories.slice(0, 20).map((c) => papersByCategory(db, c, limit)),
    ...saved.authors.slice(0, 20).map((a) => papersByAuthor(db, authorKey(a), limit)),
  ]);
  const byId = new Map<string, Paper>();
  for (const p of lists.flat()) byId.set(p.id, p);
  return [...byId.values()]
    .sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0))
    .slice(0, limit)
    .map((p) => paperItem(ctx.config.baseUrl, p));
}
