// Private feed tokens (the saved-topics feed URL of a member), separate from API tokens so that a
// feed reader holding a feed URL can never act on the member's behalf through the API.
import type { Kysely } from 'kysely';
import { dialectOf } from '../db.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  const int = pg ? 'bigint' : 'integer';
  let table = db.schema.createTable('feed_tokens');
  table = pg ? table.addColumn('id', 'bigserial', (c) => c.primaryKey()) : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  await table
    .addColumn('user_id', int, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('feed_tokens_user').on('feed_tokens').column('user_id').execute();
  // API token lookups go by hash (unique index from 0001); listing in settings goes by user.
  await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
