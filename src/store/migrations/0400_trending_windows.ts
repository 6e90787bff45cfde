// Trending scores per window: `score` stays the default window (week) that other parts read; the
// day and month windows get their own columns and indexes so each /trending window is one index walk.
import type { Kysely } from 'kysely';
import { dialectOf } from '../db.js';

export async function up(db: Kysely<any>): Promise<void> {
  const real = dialectOf(db) === 'postgres' ? 'double precision' : 'real';
  await db.schema.alterTable('trending_scores').addColumn('score_day', real, (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('trending_scores').addColumn('score_month', real, (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('trending_scores_day').on('trending_scores').column('score_day').execute();
  await db.schema.createIndex('trending_scores_month').on('trending_scores').column('score_month').execute();
  // The refresh job picks repositories by due time; papers are mapped to their repository often.
  await db.schema.createIndex('star_samples_at').on('star_samples').column('at').execute();
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
