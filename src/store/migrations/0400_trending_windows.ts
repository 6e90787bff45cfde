// Trending scores per window: `score` stays the default window (week) that other parts read; the
// day and month windows get their own columns. Indexes for what the trending code walks: each
// window in score order with a stable tie-break, and every recent upvote in (paper, time) order
// read from the index alone (user_id included: no table lookups over ten million rows).
import type { Kysely } from 'kysely';
import { dialectOf } from '../db.js';

export async function up(db: Kysely<any>): Promise<void> {
  const real = dialectOf(db) === 'postgres' ? 'double precision' : 'real';
  await db.schema.alterTable('trending_scores').addColumn('score_day', real, (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('trending_scores').addColumn('score_month', real, (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('trending_scores_rank_week').on('trending_scores').columns(['score', 'paper_id']).execute();
  await db.schema.createIndex('trending_scores_rank_day').on('trending_scores').columns(['score_day', 'paper_id']).execute();
  await db.schema.createIndex('trending_scores_rank_month').on('trending_scores').columns(['score_month', 'paper_id']).execute();
  await db.schema.createIndex('upvotes_paper_time_user').on('upvotes').columns(['paper_id', 'created_at', 'user_id']).execute();
  await db.schema.createIndex('star_samples_at').on('star_samples').column('at').execute();
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
