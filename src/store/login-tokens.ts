// One-time sign-in links: stored hashed, bound to the browser that asked, used at most once.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export async function createLoginToken(
  db: Kysely<Database>,
  t: { tokenHash: string; email: string; bindingHash: string; nextPath: string | null; now: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('login_tokens')
    .values({ token_hash: t.tokenHash, email: t.email, binding_hash: t.bindingHash, next_path: t.nextPath, created_at: t.now, expires_at: t.expiresAt, used_at: null })
    .execute();
}

export type ConsumeResult = { ok: true; email: string; nextPath: string | null } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'other_browser' };

/**
 * Marks the token used and returns its address. The update is conditional on `used_at is null`, so
 * two concurrent clicks cannot both succeed.
 */
export async function consumeLoginToken(db: Kysely<Database>, tokenHash: string, bindingHash: string, now: string): Promise<ConsumeResult> {
  const row = await db.selectFrom('login_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.used_at) return { ok: false, reason: 'used' };
  if (row.expires_at <= now) return { ok: false, reason: 'expired' };
  if (row.binding_hash !== bindingHash) return { ok: false, reason: 'other_browser' };
  const r = await db.updateTable('login_tokens').set({ used_at: now }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return { ok: false, reason: 'used' };
  return { ok: true, email: row.email, nextPath: row.next_path };
}

/** Sign-in links asked for an address since `since` (a per-address limit against mail bombing). */
export async function countRecentLoginTokens(db: Kysely<Database>, email: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('login_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email', '=', email)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteExpiredLoginTokens(db: Kysely<Database>, before: string): Promise<void> {
  await db.deleteFrom('login_tokens').where('expires_at', '<', before).execute();
}
