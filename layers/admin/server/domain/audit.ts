import { and, desc, eq, gte, lte } from 'drizzle-orm'
import { auditLog } from '#server/db/schema'
import { useDb } from '#server/adapters/database/use-database'
import { afterCursor, encodeCursor } from './paging'

export interface AuditFilters {
  actorId?: string
  targetType?: string
  targetId?: string
  action?: string
  from?: string
  to?: string
  cursor?: string
  limit: number
}

/** GET /admin/audit: the append-only log, filtered by actor, target, action and time, newest first. */
export async function listAudit(filters: AuditFilters) {
  const db = await useDb()
  const rows = await db.select().from(auditLog).where(and(
    filters.actorId ? eq(auditLog.actorId, filters.actorId) : undefined,
    filters.targetType ? eq(auditLog.targetType, filters.targetType) : undefined,
    filters.targetId ? eq(auditLog.targetId, filters.targetId) : undefined,
    filters.action ? eq(auditLog.action, filters.action) : undefined,
    filters.from ? gte(auditLog.createdAt, new Date(filters.from)) : undefined,
    filters.to ? lte(auditLog.createdAt, new Date(filters.to)) : undefined,
    afterCursor(filters.cursor, auditLog)
  )).orderBy(desc(auditLog.createdAt), desc(auditLog.id)).limit(filters.limit + 1)
  const page = rows.slice(0, filters.limit)
  return {
    entries: page.map(r => ({
      id: r.id, actorId: r.actorId, action: r.action, targetType: r.targetType, targetId: r.targetId,
      projectId: r.projectId, reason: r.reason, requestId: r.requestId, details: r.details, createdAt: r.createdAt.toISOString()
    })),
    nextCursor: rows.length > filters.limit ? encodeCursor(page.at(-1)!) : null
  }
}
