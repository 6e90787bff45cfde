// Daily-list navigation and the content version that page caches key on.
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

/** The nearest day before `day` that has a list, if any. */
export async function previousListedDay(db: Kysely<Database>, day: string): Promise<string | undefined> {
  const r = await db.selectFrom('daily_features').select((eb) => eb.fn.max('day').as('d')).where('day', '<', day).executeTakeFirst();
  return r?.d ?? undefined;
}

/** The nearest day after `day` that has a list, if any. */
export async function nextListedDay(db: Kysely<Database>, day: string): Promise<string | undefined> {
  const r = await db.selectFrom('daily_features').select((eb) => eb.fn.min('day').as('d')).where('day', '>', day).executeTakeFirst();
  return r?.d ?? undefined;
}

/** Takes a paper off its daily list. */
export async function unfeaturePaper(db: Kysely<Database>, paperId: string): Promise<boolean> {
  const r = await db.deleteFrom('daily_features').where('paper_id', '=', paperId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Moves a paper to the list of `day` (curators), creating the feature if it has none. */
export async function setFeatureDay(db: Kysely<Database>, f: { paperId: string; day: string; by: number; now: string }): Promise<void> {
  const existing = await db.selectFrom('daily_features').select('id').where('paper_id', '=', f.paperId).executeTakeFirst();
  if (existing) await db.updateTable('daily_features').set({ day: f.day }).where('paper_id', '=', f.paperId).execute();
  else await db.insertInto('daily_features').values({ paper_id: f.paperId, day: f.day, submitted_by: f.by, submitted_at: f.now }).execute();
}

/** Display names of the submitters, by user id. */
export async function submitterNames(db: Kysely<Database>, ids: number[]): Promise<Map<number, { username: string; displayName: string }>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'username', 'display_name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [Number(r.id), { username: r.username, displayName: r.display_name }]));
}

/**
 * A cheap fingerprint of everything the list and paper pages show: every write that changes a page
 * either bumps papers.changed_at (counters, hiding, ingest, moving or removing a feature) or adds
 * a daily feature (a new max id). Both
 * parts are answered from indexes, so pages can check it on every request.
 */
export async function contentVersion(db: Kysely<Database>): Promise<string> {
  // localChanges covers two writes within one millisecond (same changed_at) in this process.
  const r = await sql<{ c: string | null; f: number | null }>`select
      (select max(changed_at) from papers) as c,
      (select max(id) from daily_features) as f`.execute(db);
  const row = r.rows[0];
  return `${row?.c ?? ''}|${row?.f ?? 0}|${localChanges}`;
}

/** The daily list a paper is on, and who put it there. */
export async function featureOf(db: Kysely<Database>, paperId: string): Promise<{ day: string; submitted_by: number | null } | undefined> {
  return db.selectFrom('daily_features').select(['day', 'submitted_by']).where('paper_id', '=', paperId).executeTakeFirst();
}

let localChanges = 0;
/** Called after every community write that changes what pages show (see contentVersion). */
export function noteContentChange(): void {
  localChanges++;
}

export const localChangeCount = () => localChanges;
