// The moderation audit log: who did what to which target, append-only.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface AuditEntry {
  id: number;
  actor: string | null;
  action: string;
  targetType: string;
  targetId: string;
  detail: string | null;
  createdAt: string;
}

export async function appendAudit(
  db: Kysely<Database>,
  e: { actorId: number | null; action: string; targetType: string; targetId: string; detail?: string | null; now: string },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ actor_id: e.actorId, action: e.action, target_type: e.targetType, target_id: e.targetId, detail: e.detail ?? null, created_at: e.now })
    .execute();
}

export async function listAudit(db: Kysely<Database>, limit: number, offset: number): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .select(['a.id', 'u.username', 'a.action', 'a.target_type', 'a.target_id', 'a.detail', 'a.created_at'])
    .orderBy('a.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    actor: r.username ?? null,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    detail: r.detail,
    createdAt: r.created_at,
  }));
}
