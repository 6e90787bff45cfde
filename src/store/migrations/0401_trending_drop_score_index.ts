// The single-column index on trending_scores.score (0001) is covered by trending_scores_rank_week
// (score, paper_id) from 0400; every full pass rebuilds each index of the table it swaps in, so a
// redundant one costs a whole index build per pass. From here on the full pass renames the
// table's indexes between passes (NAME and NAME_b, see buildScoreTable in store/signals.ts): a
// later migration that touches them must drop both names.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('trending_scores_score').ifExists().execute();
}

export async function down(): Promise<void> {
  throw new Error('paperboy migrations are forward-only; restore a backup to go back');
}
