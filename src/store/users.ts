// Accounts and sessions: the repository functions the web and CLI use.
import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.js';
import type { UsersTable } from './tables/community.js';

export interface User {
  id: number;
  email: string;
  username: string;
  displayName: string;
  role: 'member' | 'curator' | 'admin';
  suspended: boolean;
  createdAt: string;
}

export function userFromRow(row: Selectable<UsersTable>): User {
  return {
    id: Number(row.id),
    email: row.email,
    username: row.username,
    displayName: row.display_name,
    role: row.role as User['role'],
    suspended: row.suspended === 1,
    createdAt: row.created_at,
  };
}

export async function getUserById(db: Kysely<Database>, id: number): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && userFromRow(row);
}

export async function getUserByEmail(db: Kysely<Database>, email: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  return row && userFromRow(row);
}

export async function getUserByUsername(db: Kysely<Database>, username: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return row && userFromRow(row);
}

/** Creates an account (username derived from the address, made unique), or returns the existing one. */
export async function ensureUser(db: Kysely<Database>, email: string, role: User['role'], now: string): Promise<User> {
  const normalized = email.trim().toLowerCase();
  const existing = await getUserByEmail(db, normalized);
  if (existing) return existing;
  const base =
    normalized
      .split('@')[0]
      .replace(/[^a-z0-9_-]+/g, '')
      .slice(0, 24) || 'reader';
  let username = base;
  for (let n = 2; await getUserByUsername(db, username); n++) username = `${base}${n}`;
  await db
    .insertInto('users')
    .values({ email: normalized, username, display_name: username, role, created_at: now })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  return (await getUserByEmail(db, normalized))!;
}

export async function setUserRole(db: Kysely<Database>, id: number, role: User['role']): Promise<void> {
  await db.updateTable('users').set({ role }).where('id', '=', id).execute();
}

/** The signed-in user of a session (by the hash of its cookie token), if it is valid and not suspended. */
export async function userBySession(db: Kysely<Database>, sessionHash: string, now: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .where('s.id', '=', sessionHash)
    .where('s.expires_at', '>', now)
    .where('u.suspended', '=', 0)
    .executeTakeFirst();
  return row && userFromRow(row);
}

export async function listUsers(db: Kysely<Database>, limit = 200, offset = 0): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('id').limit(limit).offset(offset).execute();
  return rows.map(userFromRow);
}

export async function setUserSuspended(db: Kysely<Database>, id: number, suspended: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set({ suspended: suspended ? 1 : 0 })
    .where('id', '=', id)
    .execute();
}

export async function setDisplayName(db: Kysely<Database>, id: number, displayName: string): Promise<void> {
  await db.updateTable('users').set({ display_name: displayName }).where('id', '=', id).execute();
}
