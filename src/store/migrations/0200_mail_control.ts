// Mail delivery state that outlives a process: a paused flag with its reason (set when a run's
// failures pass the threshold, cleared by `paperboy digest resume`), and the index that lets the
// composer skip already-sent papers and the sender find a subscriber's rows quickly.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mail_control')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscribers_user').on('subscribers').column('user_id').execute();
  await db.schema.createIndex('outbox_lease').on('outbox').columns(['status', 'lease_until']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_lease').execute();
  await db.schema.dropIndex('subscribers_user').execute();
  await db.schema.dropTable('mail_control').execute();
}
