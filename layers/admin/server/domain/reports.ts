import { and, desc, eq } from 'drizzle-orm'
import { messages, reports } from '#server/db/schema'
import { useDb } from '#server/adapters/database/use-database'
import { apiError, notFound } from '#server/platform/errors'
import { appendAudit } from '#server/domain/audit/audit'
import type { AuthUser } from '#server/domain/auth/users'
import { publishToUsers } from '#server/domain/events/publish'
import { toReport } from '#server/domain/reports/reports'
import { deleteMessageAsAdmin } from './moderation/messages'
import { suspendUser } from './moderation/users'

type ReportRow = typeof reports.$inferSelect
export type ResolveAction = 'dismiss' | 'delete_message' | 'suspend_user'

/** GET /admin/reports: newest first, with the frozen evidence. Looking at reported content is itself audited. */
export async function listReports(admin: AuthUser, status?: ReportRow['status']) {
  const db = await useDb()
  return db.transaction(async (tx) => {
    const rows = await tx.select().from(reports).where(status ? eq(reports.status, status) : undefined)
      .orderBy(desc(reports.createdAt)).limit(200)
    if (rows.length) {
      await appendAudit(tx, { actorId: admin.id, action: 'report.view', targetType: 'report', details: { reportIds: rows.map(r => r.id), status: status ?? null } })
    }
    return { reports: rows.map(r => toReport(r, true)) }
  })
}

/** GET /admin/reports/:id: one report with its evidence, audited. */
export async function getReport(admin: AuthUser, reportId: string) {
  const db = await useDb()
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(reports).where(eq(reports.id, reportId))
    if (!row) throw notFound('Report not found')
    await appendAudit(tx, { actorId: admin.id, action: 'report.view', targetType: 'report', targetId: reportId })
    return { report: toReport(row, true) }
  })
}

/**
 * Resolves an open report: dismiss it, or act on it (delete the message, suspend its sender) through the same
 * moderation functions as the direct actions, so the events and audit rows are the same. The reporter is told
 * that their report was handled, never what was done.
 */
export async function resolveReport(admin: AuthUser, reportId: string, body: { action: ResolveAction, note?: string, until?: string }) {
  const db = await useDb()
  const [row] = await db.select().from(reports).where(eq(reports.id, reportId))
  if (!row) throw notFound('Report not found')
  if (row.status !== 'open') throw apiError('conflict', 'This report is already handled')
  const reason = body.note || `report ${reportId}`
  if (body.action === 'delete_message') await deleteMessageAsAdmin(admin, row.messageId, reason)
  if (body.action === 'suspend_user') {
    const [message] = await db.select({ senderId: messages.senderId }).from(messages).where(eq(messages.id, row.messageId))
    await suspendUser(admin, message!.senderId, { reason, until: body.until })
  }
  const resolved = await db.transaction(async (tx) => {
    const [updated] = await tx.update(reports).set({
      status: body.action === 'dismiss' ? 'dismissed' : 'resolved', resolvedBy: admin.id, resolvedAt: new Date(),
      resolution: body.note ? `${body.action}: ${body.note}` : body.action
    }).where(and(eq(reports.id, reportId), eq(reports.status, 'open'))).returning()
    if (!updated) throw apiError('conflict', 'This report is already handled')
    await appendAudit(tx, {
      actorId: admin.id, action: 'report.resolve', targetType: 'report', targetId: reportId, reason: body.note ?? null,
      details: { action: body.action, messageId: row.messageId, conversationId: row.conversationId }
    })
    return updated
  })
  publishToUsers([row.reporterId], {
    type: 'notification',
    data: { title: 'Report reviewed', body: 'A moderator has reviewed a message you reported. Thank you.', link: null, severity: 'info' }
  })
  return { report: toReport(resolved, true) }
}
