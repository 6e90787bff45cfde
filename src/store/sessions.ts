// Sign-in sessions: only the hash of the cookie token is stored, so a database leak signs nobody in.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface SessionInfo {
  id: string; // the stored hash; safe to show in forms (it is not the cookie value)
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
}

export async function createSession(
  db: Kysely<Database>,
  s: { hash: string; userId: number; now: string; expiresAt: string; userAgent: string | null; ip: string | null },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id: s.hash, user_id: s.userId, created_at: s.now, last_seen_at: s.now, expires_at: s.expiresAt, user_agent: s.userAgent, ip: s.ip })
    .execute();
}

export async function listSessions(db: Kysely<Database>, userId: number, now: string): Promise<SessionInfo[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, userAgent: r.user_agent, ip: r.ip }));
}

/** Deletes one session of this user (a user cannot revoke someone else's). */
export async function deleteSession(db: Kysely<Database>, userId: number, hash: string): Promise<boolean> {
  const r = await db.deleteFrom('sessions').where('id', '=', hash).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function deleteUserSessions(db: Kysely<Database>, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function touchSession(db: Kysely<Database>, hash: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', hash).execute();
}
