import type { Executor } from '../../adapters/database/database'
import { auditLog } from '../../db/schema'

export interface AuditEntry {
  actorId: string | null
  action: string
  targetType: string
  targetId?: string | null
  projectId?: string | null
  details?: Record<string, unknown>
}

/** Appends to the audit log (append-only: the database refuses UPDATE and DELETE on it). */
export async function appendAudit(db: Executor, entry: AuditEntry) {
  await db.insert(auditLog).values({
    actorId: entry.actorId, action: entry.action, targetType: entry.targetType, targetId: entry.targetId ?? null,
    projectId: entry.projectId ?? null, details: entry.details ?? {}
  })
}
