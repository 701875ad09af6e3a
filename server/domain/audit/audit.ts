import type { Executor } from '../../adapters/database/database'
import { auditLog } from '../../db/schema'
import { currentRequestId } from '../../platform/request-context'

export interface AuditEntry {
  actorId: string | null
  action: string
  targetType: string
  targetId?: string | null
  projectId?: string | null
  reason?: string | null
  details?: Record<string, unknown>
}

/**
 * Appends to the audit log inside the caller's transaction, so the record and the change commit together
 * (append-only: the database refuses UPDATE, DELETE and TRUNCATE). The request id comes from the request context.
 */
export async function appendAudit(db: Executor, entry: AuditEntry) {
  await db.insert(auditLog).values({
    actorId: entry.actorId, action: entry.action, targetType: entry.targetType, targetId: entry.targetId ?? null,
    projectId: entry.projectId ?? null, reason: entry.reason ?? null, requestId: currentRequestId() ?? null,
    details: entry.details ?? {}
  })
}
