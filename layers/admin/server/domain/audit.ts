import { and, desc, eq, gte, lt, lte, or } from 'drizzle-orm'
import { auditLog } from '#server/db/schema'
import { useDb } from '#server/adapters/database/use-database'
import { apiError } from '#server/platform/errors'

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

// Keyset paging on (created_at, id), newest first: stable while new rows arrive, whatever the depth.
const encodeCursor = (row: { createdAt: Date, id: string }) => Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url')

function decodeCursor(cursor: string): { createdAt: Date, id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const createdAt = new Date(at ?? '')
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) {
    throw apiError('validation_failed', 'Invalid cursor', { issues: [{ path: 'cursor', message: 'not a cursor from this list' }] }, 400)
  }
  return { createdAt, id }
}

/** GET /admin/audit: the append-only log, filtered by actor, target, action and time, newest first. */
export async function listAudit(filters: AuditFilters) {
  const db = await useDb()
  const after = filters.cursor ? decodeCursor(filters.cursor) : undefined
  const rows = await db.select().from(auditLog).where(and(
    filters.actorId ? eq(auditLog.actorId, filters.actorId) : undefined,
    filters.targetType ? eq(auditLog.targetType, filters.targetType) : undefined,
    filters.targetId ? eq(auditLog.targetId, filters.targetId) : undefined,
    filters.action ? eq(auditLog.action, filters.action) : undefined,
    filters.from ? gte(auditLog.createdAt, new Date(filters.from)) : undefined,
    filters.to ? lte(auditLog.createdAt, new Date(filters.to)) : undefined,
    after ? or(lt(auditLog.createdAt, after.createdAt), and(eq(auditLog.createdAt, after.createdAt), lt(auditLog.id, after.id))) : undefined
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
