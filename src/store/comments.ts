// Comments on papers: rows and the queries the discussion needs.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface CommentRow {
  id: number;
  paperId: string;
  userId: number;
  parentId: number | null;
  body: string;
  hidden: boolean;
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
  username: string;
  displayName: string;
}

const columns = [
  'c.id',
  'c.paper_id',
  'c.user_id',
  'c.parent_id',
  'c.body',
  'c.hidden',
  'c.deleted',
  'c.created_at',
  'c.updated_at',
  'u.username',
  'u.display_name',
] as const;

function fromRow(r: any): CommentRow {
  return {
    id: Number(r.id),
    paperId: r.paper_id,
    userId: Number(r.user_id),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    body: r.body,
    hidden: r.hidden === 1,
    deleted: r.deleted === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    username: r.username,
    displayName: r.display_name,
  };
}

export async function insertComment(
  db: Kysely<Database>,
  c: { paperId: string; userId: number; parentId: number | null; body: string; now: string },
): Promise<number> {
  const row = await db
    .insertInto('comments')
    .values({ paper_id: c.paperId, user_id: c.userId, parent_id: c.parentId, body: c.body, created_at: c.now, updated_at: c.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function getComment(db: Kysely<Database>, id: number): Promise<CommentRow | undefined> {
  const row = await db.selectFrom('comments as c').innerJoin('users as u', 'u.id', 'c.user_id').select(columns).where('c.id', '=', id).executeTakeFirst();
  return row && fromRow(row);
}

/** All comments of a paper that are neither deleted nor hidden, oldest first. */
export async function visibleComments(db: Kysely<Database>, paperId: string): Promise<CommentRow[]> {
  const rows = await db
    .selectFrom('comments as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(columns)
    .where('c.paper_id', '=', paperId)
    .where('c.deleted', '=', 0)
    .where('c.hidden', '=', 0)
    .where('u.suspended', '=', 0)
    .orderBy('c.created_at')
    .orderBy('c.id')
    .execute();
  return rows.map(fromRow);
}

export async function updateCommentBody(db: Kysely<Database>, id: number, body: string, now: string): Promise<void> {
  await db.updateTable('comments').set({ body, updated_at: now }).where('id', '=', id).execute();
}

export async function setCommentFlags(db: Kysely<Database>, id: number, flags: { hidden?: boolean; deleted?: boolean }, now: string): Promise<void> {
  await db
    .updateTable('comments')
    .set({
      ...(flags.hidden === undefined ? {} : { hidden: flags.hidden ? 1 : 0 }),
      ...(flags.deleted === undefined ? {} : { deleted: flags.deleted ? 1 : 0 }),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}
