// Read queries the JSON API and the feeds need beyond src/store/papers.ts: daily-list pages with
// their submitters, a cheap data version for response caches, category and author listings, and a
// member's saved topics.
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';
import { type Paper, paperFromRow } from './papers.js';

export interface Submitter {
  username: string;
  displayName: string;
}

export interface DailyEntry extends Paper {
  day: string;
  submittedAt: string;
  submitter: Submitter | null;
}

export interface DailyQuery {
  /** Inclusive day range, YYYY-MM-DD. */
  from: string;
  to: string;
  /** Username of the member who put papers on the list. */
  submitter?: string;
  /** publishedAt: newest on the list first; trending: highest trending score first. */
  sort: 'publishedAt' | 'trending';
  limit: number;
  offset: number;
}

/** One page of the daily lists in a day range (visible papers only). */
export async function dailyEntries(db: Kysely<Database>, q: DailyQuery): Promise<DailyEntry[]> {
  let query = db
    .selectFrom('daily_features as f')
    .innerJoin('papers as p', 'p.id', 'f.paper_id')
    .leftJoin('users as u', 'u.id', 'f.submitted_by')
    .selectAll('p')
    .select(['f.day', 'f.submitted_at', 'u.username as submitter_username', 'u.display_name as submitter_name'])
    .where('f.day', '>=', q.from)
    .where('f.day', '<=', q.to)
    .where('p.hidden', '=', 0);
  if (q.submitter !== undefined) query = query.where('u.username', '=', q.submitter);
  if (q.sort === 'trending') {
    query = query
      .leftJoin('trending_scores as t', 't.paper_id', 'p.id')
      .orderBy(sql`coalesce(t.score, 0)`, 'desc')
      .orderBy('p.upvotes', 'desc');
  } else {
    // HF's default order: the newest list first, and within a day the most upvoted first.
    query = query.orderBy('f.day', 'desc').orderBy('p.upvotes', 'desc');
  }
  const rows = await query.orderBy('f.submitted_at', 'desc').orderBy('p.id').limit(q.limit).offset(q.offset).execute();
  return rows.map((r) => {
    const { day, submitted_at, submitter_username, submitter_name, ...paper } = r;
    return {
      ...paperFromRow(paper),
      day,
      submittedAt: submitted_at,
      submitter: submitter_username ? { username: submitter_username, displayName: submitter_name ?? submitter_username } : null,
    };
  });
}

export interface Listing {
  day: string;
  submittedAt: string;
  submitter: Submitter | null;
}

/** The daily-list entries of some papers (those ever featured), by paper id. */
export async function listingsOf(db: Kysely<Database>, paperIds: string[]): Promise<Map<string, Listing>> {
  if (!paperIds.length) return new Map();
  const rows = await db
    .selectFrom('daily_features as f')
    .leftJoin('users as u', 'u.id', 'f.submitted_by')
    .select(['f.paper_id', 'f.day', 'f.submitted_at', 'u.username', 'u.display_name'])
    .where('f.paper_id', 'in', paperIds)
    .execute();
  return new Map(
    rows.map((r) => [
      r.paper_id,
      { day: r.day, submittedAt: r.submitted_at, submitter: r.username ? { username: r.username, displayName: r.display_name ?? r.username } : null },
    ]),
  );
}

export interface CategoryCount {
  category: string;
  papers: number;
}

/** Categories with their number of visible papers, largest first. */
export async function categoryCounts(db: Kysely<Database>, limit: number): Promise<CategoryCount[]> {
  const rows = await db
    .selectFrom('paper_categories as c')
    .innerJoin('papers as p', 'p.id', 'c.paper_id')
    .select(['c.category', (eb) => eb.fn.countAll<number>().as('n')])
    .where('p.hidden', '=', 0)
    .groupBy('c.category')
    .orderBy('n', 'desc')
    .orderBy('c.category')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ category: r.category, papers: Number(r.n) }));
}

/** How an author key is written on their most recent paper, and how many visible papers they have. */
export async function authorSummary(db: Kysely<Database>, key: string): Promise<{ name: string; papers: number } | undefined> {
  const count = await db
    .selectFrom('paper_authors as a')
    .innerJoin('papers as p', 'p.id', 'a.paper_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('a.name_key', '=', key)
    .where('p.hidden', '=', 0)
    .executeTakeFirst();
  if (!count || Number(count.n) === 0) return undefined;
  const named = await db
    .selectFrom('paper_authors as a')
    .innerJoin('papers as p', 'p.id', 'a.paper_id')
    .select('a.name')
    .where('a.name_key', '=', key)
    .orderBy('p.published_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { name: named?.name ?? key, papers: Number(count.n) };
}

export interface SavedTopics {
  topics: string[];
  categories: string[];
  authors: string[];
}

/** What a member follows: the topics, categories and authors of the digest subscription linked to their account. */
export async function savedTopicsOf(db: Kysely<Database>, userId: number): Promise<SavedTopics> {
  const row = await db
    .selectFrom('subscribers as s')
    .select(['s.topics', 's.categories', 's.authors'])
    .where((eb) => eb.or([eb('s.user_id', '=', userId), eb('s.email', '=', eb.selectFrom('users').select('email').where('id', '=', userId))]))
    .where('s.status', 'not in', ['unsubscribed', 'suspended'])
    .orderBy('s.updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const list = (text: string | undefined) => {
    try {
      const value = JSON.parse(text ?? '[]');
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
    } catch {
      return [];
    }
  };
  return { topics: list(row?.topics), categories: list(row?.categories), authors: list(row?.authors) };
}

/** Newest visible papers (fallback list when a store has no daily list yet). */
export async function newestPapers(db: Kysely<Database>, limit: number): Promise<Paper[]> {
  const rows = await db.selectFrom('papers').selectAll().where('hidden', '=', 0).orderBy('published_at', 'desc').limit(limit).execute();
  return rows.map(paperFromRow);
}
