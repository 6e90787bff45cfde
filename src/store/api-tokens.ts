// Personal tokens: API tokens (act as the member through /api/v1) and feed tokens (read the member's
// saved-topics feed). Only a hash is stored, so the token is shown once and a database leak reveals
// no usable token; revoking sets revoked_at so the settings page can still list it.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { hashToken, randomToken } from '../signing.js';
import { type User, userFromRow } from './users.js';

export type TokenKind = 'api' | 'feed';

export interface TokenInfo {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

// A recognisable prefix lets secret scanners and people tell a paperboy token from other secrets.
const PREFIX: Record<TokenKind, string> = { api: 'pbt_', feed: 'pbf_' };

// last_used_at is informative only; writing it at most once a minute keeps reads from turning into writes.
const TOUCH_EVERY_MS = 60_000;

export async function createApiToken(db: Kysely<Database>, userId: number, name: string, now: string): Promise<{ id: number; token: string }> {
  const token = PREFIX.api + randomToken(24);
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: userId, name, token_hash: hashToken(token), created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), token };
}

export async function createFeedToken(db: Kysely<Database>, userId: number, now: string): Promise<{ id: number; token: string }> {
  const token = PREFIX.feed + randomToken(24);
  const row = await db
    .insertInto('feed_tokens')
    .values({ user_id: userId, token_hash: hashToken(token), created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), token };
}

export async function listApiTokens(db: Kysely<Database>, userId: number): Promise<TokenInfo[]> {
  const rows = await db.selectFrom('api_tokens').select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at']).where('user_id', '=', userId).orderBy('id', 'desc').execute();
  return rows.map((r) => ({ id: Number(r.id), name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}

export async function listFeedTokens(db: Kysely<Database>, userId: number): Promise<TokenInfo[]> {
  const rows = await db.selectFrom('feed_tokens').select(['id', 'created_at', 'last_used_at', 'revoked_at']).where('user_id', '=', userId).orderBy('id', 'desc').execute();
  return rows.map((r) => ({ id: Number(r.id), name: 'saved topics feed', createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}

/** Revokes one of the user's tokens; false when it is not theirs or already revoked. */
export async function revokeToken(db: Kysely<Database>, kind: TokenKind, userId: number, id: number, now: string): Promise<boolean> {
  const table = kind === 'api' ? 'api_tokens' : 'feed_tokens';
  const result = await db
    .updateTable(table)
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The member a live token belongs to (not revoked, account not suspended), or undefined. */
export async function userByToken(db: Kysely<Database>, kind: TokenKind, token: string, now: string): Promise<User | undefined> {
  if (!token.startsWith(PREFIX[kind]) || token.length > 200) return undefined;
  const table = kind === 'api' ? 'api_tokens' : 'feed_tokens';
  const row = await db
    .selectFrom(`${table} as t` as 'api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .selectAll('u')
    .select(['t.id as token_id', 't.last_used_at'])
    .where('t.token_hash', '=', hashToken(token))
    .where('t.revoked_at', 'is', null)
    .where('u.suspended', '=', 0)
    .executeTakeFirst();
  if (!row) return undefined;
  if (!row.last_used_at || Date.parse(now) - Date.parse(row.last_used_at) >= TOUCH_EVERY_MS) {
    await db.updateTable(table).set({ last_used_at: now }).where('id', '=', row.token_id).execute();
  }
  const { token_id: _id, last_used_at: _used, ...user } = row;
  return userFromRow(user);
}
