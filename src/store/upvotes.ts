// Upvotes: one row per (user, paper), enforced by the primary key.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Inserts the upvote unless it exists (a concurrent double click inserts once). */
export async function insertUpvote(db: Kysely<Database>, userId: number, paperId: string, now: string): Promise<void> {
  await db
    .insertInto('upvotes')
    .values({ user_id: userId, paper_id: paperId, created_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'paper_id']).doNothing())
    .execute();
}

export async function deleteUpvote(db: Kysely<Database>, userId: number, paperId: string): Promise<void> {
  await db.deleteFrom('upvotes').where('user_id', '=', userId).where('paper_id', '=', paperId).execute();
}

/** Which of these papers the user has upvoted. */
export async function upvotedAmong(db: Kysely<Database>, userId: number, paperIds: string[]): Promise<Set<string>> {
  if (!paperIds.length) return new Set();
  const rows = await db.selectFrom('upvotes').select('paper_id').where('user_id', '=', userId).where('paper_id', 'in', paperIds).execute();
  return new Set(rows.map((r) => r.paper_id));
}
