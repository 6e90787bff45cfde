// Small builders for trending tests: papers, accounts of a given age, upvotes and comments at given times.
import type { AppContext } from '../../src/context.js';
import { upsertPapers } from '../../src/store/papers.js';

export async function addPaper(ctx: AppContext, id: string, o: { title?: string; categories?: string[]; code?: string[]; publishedAt?: string; abstract?: string } = {}) {
  const at = o.publishedAt ?? '2026-11-18T00:00:00Z';
  await upsertPapers(
    ctx.store.db,
    [
      {
        id,
        version: 1,
        title: o.title ?? `Paper ${id}`,
        abstract: o.abstract ?? `Abstract of ${id}.`,
        authors: ['Ada Lovelace'],
        categories: o.categories ?? ['cs.LG'],
        publishedAt: at,
        updatedAt: at,
        links: { code: o.code },
        source: 'manual',
      },
    ],
    at,
  );
}

let seq = 0;
/** A member account created at `createdAt`; returns its id. */
export async function addUser(ctx: AppContext, createdAt: string): Promise<number> {
  seq++;
  const r = await ctx.store.db
    .insertInto('users')
    .values({ email: `u${seq}-${Math.random().toString(36).slice(2)}@example.org`, username: `u${seq}${Math.random().toString(36).slice(2, 8)}`, display_name: `User ${seq}`, role: 'member', created_at: createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export async function upvote(ctx: AppContext, userId: number, paperId: string, at: string) {
  await ctx.store.db.insertInto('upvotes').values({ user_id: userId, paper_id: paperId, created_at: at }).execute();
}

export async function comment(ctx: AppContext, userId: number, paperId: string, at: string, o: { hidden?: boolean } = {}) {
  await ctx.store.db
    .insertInto('comments')
    .values({ paper_id: paperId, user_id: userId, parent_id: null, body: 'Nice result.', hidden: o.hidden ? 1 : 0, created_at: at, updated_at: at })
    .execute();
}
