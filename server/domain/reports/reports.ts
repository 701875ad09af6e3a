import { and, asc, desc, eq, gte, lt, lte, gt } from 'drizzle-orm'
import { files, messageEdits, messages, reports } from '../../db/schema'
import { useDb } from '../../adapters/database/use-database'
import { isUniqueViolation } from '../../adapters/database/errors'
import { conflict } from '../../platform/errors'
import type { ReportEvidence } from '../../../shared/types'
import type { AuthUser } from '../auth/users'
import { requireMessage } from '../messages/messages'

const CONTEXT_MESSAGES = 20

type MessageRow = typeof messages.$inferSelect
const evidenceMessage = (m: MessageRow) => ({
  id: m.id, seq: m.seq, senderId: m.senderId, type: m.type, content: m.content, replyToId: m.replyToId,
  createdAt: m.createdAt.toISOString(), editedAt: m.editedAt?.toISOString() ?? null, deletedAt: m.deletedAt?.toISOString() ?? null
})

/**
 * Reports a message and freezes the evidence as it is now: the message with its edit history, 20 messages
 * of context on each side, and its files' hashes and scan status. Stored as a copy, so later edits or
 * deletes do not change what moderators see.
 */
export async function reportMessage(user: AuthUser, messageId: string, body: { reason: string, description?: string }) {
  const { row } = await requireMessage(user, messageId)
  const db = await useDb()
  const report = await db.transaction(async (tx) => {
    const [edits, before, after, attached] = await Promise.all([
      tx.select().from(messageEdits).where(eq(messageEdits.messageId, messageId)).orderBy(asc(messageEdits.editedAt)),
      tx.select().from(messages).where(and(eq(messages.conversationId, row.conversationId), lt(messages.seq, row.seq), gte(messages.seq, row.seq - CONTEXT_MESSAGES)))
        .orderBy(desc(messages.seq)).limit(CONTEXT_MESSAGES),
      tx.select().from(messages).where(and(eq(messages.conversationId, row.conversationId), gt(messages.seq, row.seq), lte(messages.seq, row.seq + CONTEXT_MESSAGES)))
        .orderBy(asc(messages.seq)).limit(CONTEXT_MESSAGES),
      tx.select().from(files).where(eq(files.messageId, messageId))
    ])
    const evidence: ReportEvidence = {
      frozenAt: new Date().toISOString(),
      message: evidenceMessage(row),
      editHistory: edits.map(e => ({ previousContent: e.previousContent, editedBy: e.editedBy, editedAt: e.editedAt.toISOString() })),
      contextBefore: before.reverse().map(evidenceMessage),
      contextAfter: after.map(evidenceMessage),
      files: attached.map(f => ({ id: f.id, fileName: f.fileName, size: f.size, mimeType: f.mimeType, sha256: f.sha256, status: f.status }))
    }
    const [created] = await tx.insert(reports).values({
      messageId, conversationId: row.conversationId, reporterId: user.id, reason: body.reason, description: body.description ?? null, evidence
    }).returning()
    return created!
  }).catch((error) => {
    if (isUniqueViolation(error)) throw conflict('You already reported this message')
    throw error
  })
  // The evidence may hold other people's deleted content: only moderators see it (GET /admin/reports).
  return { report: toReport(report, false) }
}

type ReportRow = typeof reports.$inferSelect
const memberReport = (report: ReportRow) => ({
  id: report.id, messageId: report.messageId, conversationId: report.conversationId, reporterId: report.reporterId,
  reason: report.reason, description: report.description, status: report.status, createdAt: report.createdAt.toISOString()
})
type ModeratorReport = ReturnType<typeof memberReport> & { evidence: ReportEvidence, resolvedAt: string | null, resolution: string | null }

/** The wire report; `withEvidence` only for moderators (the evidence may hold others' deleted content). */
export function toReport(report: ReportRow, withEvidence: true): ModeratorReport
export function toReport(report: ReportRow, withEvidence: false): ReturnType<typeof memberReport>
export function toReport(report: ReportRow, withEvidence: boolean) {
  return {
    ...memberReport(report),
    ...(withEvidence ? { evidence: report.evidence, resolvedAt: report.resolvedAt?.toISOString() ?? null, resolution: report.resolution } : {})
  }
}

/** GET /reports: the caller's own reports, with whether a moderator has handled them (never what they did). */
export async function listMyReports(user: AuthUser) {
  const db = await useDb()
  const rows = await db.select().from(reports).where(eq(reports.reporterId, user.id)).orderBy(desc(reports.createdAt)).limit(200)
  return {
    reports: rows.map(r => ({
      id: r.id, messageId: r.messageId, conversationId: r.conversationId, reason: r.reason, createdAt: r.createdAt.toISOString(),
      status: r.status === 'open' ? 'open' as const : 'handled' as const, handledAt: r.resolvedAt?.toISOString() ?? null
    }))
  }
}
