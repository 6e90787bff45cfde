// The shapes of the JSON API, as zod schemas: request parameters are validated with them and the
// OpenAPI document is generated from them, so the documentation cannot drift from the behaviour.
import { z } from 'zod';

// ---- parameter building blocks -------------------------------------------------------------------

/** An integer query parameter in [min, max] with a default and a message that names it and its range. */
export const intParam = (name: string, min: number, max: number, def: number) => {
  const message = `${name} must be an integer from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message).default(def);
};

const validDay = (s: string) => {
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
};

export const dayParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD')
  .refine(validDay, 'date must be a real calendar day');
export const weekParam = z
  .string()
  .regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, 'week must be an ISO week, YYYY-Www (W01..W53)');
export const monthParam = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM');

// ---- Hugging Face compatible shapes (docs/hf-papers-api.md) ---------------------------------------

const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/).describe('ISO 8601 UTC with milliseconds');

export const hfUser = z.object({
  _id: z.string(),
  user: z.string().describe('username'),
  fullname: z.string(),
  name: z.string(),
  avatarUrl: z.string(),
  type: z.string(),
  isPro: z.boolean(),
  isHf: z.boolean(),
  isHfAdmin: z.boolean(),
  isMod: z.boolean(),
  isUserFollowing: z.boolean(),
});

export const hfAuthor = z.object({ _id: z.string(), name: z.string(), hidden: z.boolean() });

export const hfPaper = z.object({
  id: z.string().describe('arXiv id without version (2401.01234, hep-th/9901001)'),
  authors: z.array(hfAuthor),
  publishedAt: isoTime.describe('when the paper appeared on arXiv'),
  submittedOnDailyAt: isoTime.nullable().describe('when it was put on the daily list; null if never'),
  title: z.string(),
  summary: z.string().describe('the abstract'),
  upvotes: z.number().int(),
  numComments: z.number().int().describe('comments on the paper (huggingface_hub reads it as PaperInfo.comments from paper_info)'),
  discussionId: z.string(),
  ai_summary: z.string().nullable().describe('extractive one-sentence summary, computed offline'),
  ai_keywords: z.array(z.string()).nullable().describe('key phrases, computed offline'),
  githubRepo: z.string().nullable(),
  githubStars: z.number().int().nullable(),
  projectPage: z.string().nullable(),
  submittedOnDailyBy: hfUser.nullable(),
});

export const hfDailyItem = z.object({
  paper: hfPaper,
  publishedAt: isoTime.nullable().describe('when it was put on the daily list; null for a search result never on one'),
  title: z.string(),
  summary: z.string(),
  thumbnail: z.string(),
  numComments: z.number().int(),
  upvotes: z.number().int().describe("paper.upvotes again: huggingface_hub falls back to it when paper.upvotes is 0"),
  // huggingface_hub's PaperInfo reads these five from the outer object only.
  ai_summary: hfPaper.shape.ai_summary.describe('paper.ai_summary again, where huggingface_hub reads it'),
  ai_keywords: hfPaper.shape.ai_keywords.describe('paper.ai_keywords again, where huggingface_hub reads it'),
  githubRepo: hfPaper.shape.githubRepo.describe('paper.githubRepo again, where huggingface_hub reads it'),
  githubStars: hfPaper.shape.githubStars.describe('paper.githubStars again, where huggingface_hub reads it'),
  projectPage: hfPaper.shape.projectPage.describe('paper.projectPage again, where huggingface_hub reads it'),
  submittedBy: hfUser.nullable().describe('who put it on the daily list; null for a search result never on one'),
  isAuthorParticipating: z.boolean(),
});

export const hfDailyQuery = z.object({
  date: dayParam.optional().describe('the daily list of this day (YYYY-MM-DD)'),
  week: weekParam.optional().describe('the daily lists of an ISO week (YYYY-Www)'),
  month: monthParam.optional().describe('the daily lists of a month (YYYY-MM)'),
  submitter: z.string().min(1).max(100).optional().describe('only papers this username put on the list'),
  sort: z.enum(['publishedAt', 'trending'], { error: 'sort must be publishedAt or trending' }).default('publishedAt'),
  p: intParam('p', 0, 10_000, 0).describe('page, from 0'),
  limit: intParam('limit', 1, 100, 50).describe('items per page'),
});

export const hfSearchQuery = z.object({
  // huggingface_hub's list_papers() sends no q when called without a query.
  q: z.string({ error: 'q must be given once, as text' }).trim().min(1, 'q must not be empty').max(250, 'q must be at most 250 characters').optional().describe('text to search for; without it, the newest papers'),
  limit: intParam('limit', 1, 120, 50),
});

export const hfPaperParams = z.object({ id: z.string() });

// ---- paperboy /api/v1 shapes ----------------------------------------------------------------------

export const v1Paper = z.object({
  id: z.string(),
  version: z.number().int(),
  url: z.string().describe('the paper page on this site'),
  title: z.string().describe('as on arXiv, may contain LaTeX'),
  titleText: z.string().describe('the title as plain text'),
  abstract: z.string(),
  authors: z.array(z.string()),
  categories: z.array(z.string()),
  primaryCategory: z.string().nullable(),
  publishedAt: isoTime,
  updatedAt: isoTime,
  comments: z.string().nullable(),
  journalRef: z.string().nullable(),
  doi: z.string().nullable(),
  license: z.string().nullable(),
  links: z.object({
    abs: z.string().optional(),
    pdf: z.string().optional(),
    doi: z.string().optional(),
    code: z.array(z.string()).optional(),
    project: z.string().optional(),
  }),
  githubRepo: z.string().nullable(),
  githubStars: z.number().int().nullable(),
  upvotes: z.number().int(),
  numComments: z.number().int(),
  dailyDay: z.string().nullable().describe('the daily list the paper is on (YYYY-MM-DD), if any'),
});

export const pageQuery = {
  page: intParam('page', 0, 10_000, 0).describe('page, from 0'),
  limit: intParam('limit', 1, 100, 30).describe('items per page'),
};

/** A page of a list: `next` is the URL of the following page, null on the last one. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int(), limit: z.number().int(), next: z.string().nullable() });

export const v1DailyQuery = z.object({
  date: dayParam.optional(),
  week: weekParam.optional(),
  month: monthParam.optional(),
  ...pageQuery,
});

export const v1DailyItem = z.object({
  day: z.string(),
  submittedAt: isoTime,
  submittedBy: z.string().nullable().describe('username, null for imports'),
  paper: v1Paper,
});

export const trendingTerm = z.object({ name: z.string(), value: z.number(), contribution: z.number(), description: z.string() });
export const trendingExplanation = z.object({
  score: z.number(),
  terms: z.array(trendingTerm),
  computedAt: z.string(),
  window: z.enum(['day', 'week', 'month']).optional(),
  halfLifeHours: z.number().optional(),
});

export const v1TrendingQuery = z.object({
  window: z.enum(['day', 'week', 'month'], { error: 'window must be day, week or month' }).default('week'),
  category: z.string().regex(/^[A-Za-z-]+(\.[A-Za-z-]+)?$/, 'category must look like cs.LG').optional(),
  hasCode: z.enum(['true', 'false'], { error: 'hasCode must be true or false' }).optional(),
  ...pageQuery,
});

export const v1TrendingItem = z.object({ rank: z.number().int(), score: z.number(), explanation: trendingExplanation.nullable(), paper: v1Paper });

export const v1SearchQuery = z.object({
  q: z.string({ error: 'q is required' }).trim().min(1, 'q must not be empty').max(250, 'q must be at most 250 characters'),
  mode: z.enum(['hybrid', 'keyword', 'semantic'], { error: 'mode must be hybrid, keyword or semantic' }).default('hybrid'),
  sort: z.enum(['relevance', 'date', 'trending'], { error: 'sort must be relevance, date or trending' }).default('relevance'),
  ...pageQuery,
});

export const v1SearchResult = z.object({ total: z.number().int(), items: z.array(z.object({ score: z.number(), paper: v1Paper })), page: z.number().int(), limit: z.number().int(), next: z.string().nullable() });

export const v1Comment = z.object({
  id: z.number().int(),
  paperId: z.string(),
  parentId: z.number().int().nullable(),
  author: z.object({ username: z.string(), displayName: z.string() }),
  body: z.string().describe('Markdown source'),
  bodyHtml: z.string().describe('rendered, safe HTML'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const v1Category = z.object({ category: z.string(), papers: z.number().int() });

export const v1Author = z.object({ name: z.string(), papers: z.number().int() });

export const v1Me = z.object({ username: z.string(), displayName: z.string(), role: z.string() });

export const upvoteBody = z.object({ upvoted: z.boolean({ error: 'upvoted must be true or false' }).default(true) });
export const upvoteResult = z.object({ upvoted: z.boolean(), upvotes: z.number().int() });

export const submitBody = z.object({ id: z.string({ error: 'id is required: an arXiv id or URL' }).trim().min(1, 'id must not be empty').max(300, 'id is too long') });
export const submitResult = z.object({ paperId: z.string(), day: z.string(), created: z.boolean() });

export const commentBody = z.object({
  body: z.string({ error: 'body is required' }).trim().min(1, 'body must not be empty').max(10_000, 'body must be at most 10000 characters'),
  parentId: z.number().int().positive().nullable().optional(),
});

export const errorBody = z.object({ error: z.string() });

export const v1Subscription = z.object({
  email: z.string(),
  status: z.string().describe('pending | active | paused | unsubscribed | suspended'),
  frequency: z.enum(['daily', 'weekly']),
  hour: z.number().int().describe('local hour of sending, 0..23'),
  timezone: z.string().describe('IANA time zone'),
  weekday: z.number().int().describe('0 = Sunday .. 6, for weekly digests'),
  topN: z.number().int().describe('how many trending papers'),
  includeDaily: z.boolean(),
  categories: z.array(z.string()),
  topics: z.array(z.string()).describe('saved search queries'),
  authors: z.array(z.string()),
});

/** Changes to the digest subscription; omitted fields keep their value. frequency "paused" pauses it. */
export const subscriptionBody = z.object({
  frequency: z.enum(['daily', 'weekly', 'paused'], { error: 'frequency must be daily, weekly or paused' }).optional(),
  hour: z.number().int().optional(),
  timezone: z.string().max(64).optional(),
  weekday: z.number().int().optional(),
  topN: z.number().int().optional(),
  includeDaily: z.boolean().optional(),
  categories: z.array(z.string().max(40)).max(20).optional(),
  topics: z.array(z.string().max(200)).max(10).optional(),
  authors: z.array(z.string().max(100)).max(20).optional(),
});
