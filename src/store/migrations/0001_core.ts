// The core schema: papers, daily lists, people, community signals, subscriptions, outbox, jobs.
// Written with Kysely's schema builder so that the same migration serves SQLite and PostgreSQL.
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../db.js';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  // An auto-incrementing integer primary key in each engine's own spelling.
  const serial = (t: any) =>
    pg ? t.addColumn('id', 'bigserial', (c: any) => c.primaryKey()) : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement());
  const int = pg ? 'bigint' : 'integer';

  await db.schema
    .createTable('papers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('abstract', 'text', (c) => c.notNull())
    .addColumn('authors', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('primary_category', 'text')
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('comments', 'text')
    .addColumn('journal_ref', 'text')
    .addColumn('doi', 'text')
    .addColumn('license', 'text')
    .addColumn('links', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('github_repo', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('upvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('num_comments', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('github_stars', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('papers_published').on('papers').column('published_at').execute();
  await db.schema.createIndex('papers_changed').on('papers').column('changed_at').execute();
  await db.schema.createIndex('papers_github').on('papers').column('github_repo').execute();

  await db.schema
    .createTable('paper_authors')
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('paper_authors_pk', ['paper_id', 'position'])
    .execute();
  await db.schema.createIndex('paper_authors_key').on('paper_authors').columns(['name_key', 'paper_id']).execute();

  await db.schema
    .createTable('paper_categories')
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('paper_categories_pk', ['paper_id', 'category'])
    .execute();
  await db.schema.createIndex('paper_categories_cat').on('paper_categories').columns(['category', 'paper_id']).execute();

  await serial(db.schema.createTable('daily_features'))
    .addColumn('paper_id', 'text', (c: any) => c.notNull().unique().references('papers.id').onDelete('cascade'))
    .addColumn('day', 'text', (c: any) => c.notNull())
    .addColumn('submitted_by', int)
    .addColumn('submitted_at', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('daily_features_day').on('daily_features').columns(['day', 'paper_id']).execute();

  await db.schema
    .createTable('harvest_cursors')
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('datestamp', 'text')
    .addColumn('resumption_token', 'text')
    .addColumn('started_from', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await serial(db.schema.createTable('ingest_problems'))
    .addColumn('source', 'text', (c: any) => c.notNull())
    .addColumn('location', 'text', (c: any) => c.notNull())
    .addColumn('message', 'text', (c: any) => c.notNull())
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .execute();

  await serial(db.schema.createTable('jobs'))
    .addColumn('kind', 'text', (c: any) => c.notNull())
    .addColumn('payload', 'text', (c: any) => c.notNull().defaultTo('{}'))
    .addColumn('unique_key', 'text')
    .addColumn('status', 'text', (c: any) => c.notNull().defaultTo('pending'))
    .addColumn('run_at', 'text', (c: any) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('attempts', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('jobs_ready').on('jobs').columns(['status', 'run_at']).execute();
  // At most one unfinished job per unique key (a partial unique index, same syntax in both engines).
  await sql`create unique index jobs_unique_pending on jobs (unique_key) where status in ('pending', 'running')`.execute(db);

  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  // People
  await serial(db.schema.createTable('users'))
    .addColumn('email', 'text', (c: any) => c.notNull().unique())
    .addColumn('username', 'text', (c: any) => c.notNull().unique())
    .addColumn('display_name', 'text', (c: any) => c.notNull())
    .addColumn('role', 'text', (c: any) => c.notNull().defaultTo('member'))
    .addColumn('suspended', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', int, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('login_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('binding_hash', 'text', (c) => c.notNull())
    .addColumn('next_path', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();

  await db.schema
    .createTable('upvotes')
    .addColumn('user_id', int, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('upvotes_pk', ['user_id', 'paper_id'])
    .execute();
  await db.schema.createIndex('upvotes_paper').on('upvotes').columns(['paper_id', 'created_at']).execute();
  await db.schema.createIndex('upvotes_time').on('upvotes').column('created_at').execute();

  await serial(db.schema.createTable('comments'))
    .addColumn('paper_id', 'text', (c: any) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('user_id', int, (c: any) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('parent_id', int)
    .addColumn('body', 'text', (c: any) => c.notNull())
    .addColumn('hidden', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('deleted', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('updated_at', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('comments_paper').on('comments').columns(['paper_id', 'created_at']).execute();

  await serial(db.schema.createTable('audit_log'))
    .addColumn('actor_id', int)
    .addColumn('action', 'text', (c: any) => c.notNull())
    .addColumn('target_type', 'text', (c: any) => c.notNull())
    .addColumn('target_id', 'text', (c: any) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .execute();

  await serial(db.schema.createTable('api_tokens'))
    .addColumn('user_id', int, (c: any) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c: any) => c.notNull())
    .addColumn('token_hash', 'text', (c: any) => c.notNull().unique())
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  // Subscriptions and delivery
  await serial(db.schema.createTable('subscribers'))
    .addColumn('email', 'text', (c: any) => c.notNull().unique())
    .addColumn('status', 'text', (c: any) => c.notNull())
    .addColumn('user_id', int)
    .addColumn('frequency', 'text', (c: any) => c.notNull().defaultTo('daily'))
    .addColumn('hour', 'integer', (c: any) => c.notNull().defaultTo(7))
    .addColumn('timezone', 'text', (c: any) => c.notNull().defaultTo('UTC'))
    .addColumn('weekday', 'integer', (c: any) => c.notNull().defaultTo(1))
    .addColumn('top_n', 'integer', (c: any) => c.notNull().defaultTo(10))
    .addColumn('include_daily', 'integer', (c: any) => c.notNull().defaultTo(1))
    .addColumn('categories', 'text', (c: any) => c.notNull().defaultTo('[]'))
    .addColumn('topics', 'text', (c: any) => c.notNull().defaultTo('[]'))
    .addColumn('authors', 'text', (c: any) => c.notNull().defaultTo('[]'))
    .addColumn('confirm_token_hash', 'text')
    .addColumn('confirm_expires_at', 'text')
    .addColumn('hard_bounces', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('updated_at', 'text', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('subscribers_status').on('subscribers').columns(['status', 'frequency']).execute();

  await serial(db.schema.createTable('outbox'))
    .addColumn('subscriber_id', int, (c: any) => c.notNull().references('subscribers.id').onDelete('cascade'))
    .addColumn('period', 'text', (c: any) => c.notNull())
    .addColumn('kind', 'text', (c: any) => c.notNull().defaultTo('digest'))
    .addColumn('status', 'text', (c: any) => c.notNull().defaultTo('pending'))
    .addColumn('message_id', 'text', (c: any) => c.notNull())
    .addColumn('paper_ids', 'text', (c: any) => c.notNull().defaultTo('[]'))
    .addColumn('attempts', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('lease_until', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('next_attempt_at', 'text', (c: any) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c: any) => c.notNull())
    .addColumn('sent_at', 'text')
    .addUniqueConstraint('outbox_once', ['subscriber_id', 'period'])
    .execute();
  await db.schema.createIndex('outbox_ready').on('outbox').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('digest_papers')
    .addColumn('subscriber_id', int, (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
    .addColumn('paper_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('digest_papers_pk', ['subscriber_id', 'paper_id'])
    .execute();

  // Signals and trending
  await db.schema
    .createTable('github_repos')
    .addColumn('full_name', 'text', (c) => c.primaryKey())
    .addColumn('canonical_name', 'text')
    .addColumn('etag', 'text')
    .addColumn('stars', 'integer')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('ok'))
    .addColumn('checked_at', 'text')
    .addColumn('next_check_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('github_repos_due').on('github_repos').column('next_check_at').execute();

  await db.schema
    .createTable('star_samples')
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('stars', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('star_samples_pk', ['full_name', 'at'])
    .execute();

  await db.schema
    .createTable('paper_views')
    .addColumn('paper_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('paper_views_pk', ['paper_id', 'day'])
    .execute();

  await db.schema
    .createTable('trending_scores')
    .addColumn('paper_id', 'text', (c) => c.primaryKey())
    .addColumn('score', pg ? 'double precision' : 'real', (c) => c.notNull())
    .addColumn('terms', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('trending_scores_score').on('trending_scores').column('score').execute();

  await db.schema
    .createTable('embedding_state')
    .addColumn('paper_id', 'text', (c) => c.primaryKey())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('dims', 'integer', (c) => c.notNull())
    .addColumn('embedded_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
