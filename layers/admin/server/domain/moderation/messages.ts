import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import { messages } from '#server/db/schema'
import { useDb } from '#server/adapters/database/use-database'
import { notFound } from '#server/platform/errors'
import { appendAudit } from '#server/domain/audit/audit'
import type { AuthUser } from '#server/domain/auth/users'
import { requireConversation } from '#server/domain/conversations/access'
import { AbortWrite, commitChange } from '#server/domain/events/commit'
import { getMessageView, hydrateMessages } from '#server/domain/messages/views'

async function requireMessageRow(admin: AuthUser, messageId: string) {
  const db = await useDb()
  const [row] = await db.select().from(messages).where(eq(messages.id, messageId))
  if (!row) throw notFound('Message not found')
  const { conversation } = await requireConversation(admin, row.conversationId)
  return { row, conversation, db }
}

/**
 * Moderator delete: sequenced like any change (so sync and exports see it), members get a content-free
 * `message:deleted`, the body stays for admins and reports. Deleting twice changes nothing.
 */
export async function deleteMessageAsAdmin(admin: AuthUser, messageId: string, reason: string) {
  const { row, conversation, db } = await requireMessageRow(admin, messageId)
  if (row.deletedAt) return { message: (await getMessageView(db, messageId, admin))! }
  // Any status: moderation also works in locked and archived conversations.
  const committed = await commitChange(row.conversationId, {}, async (tx) => {
    const [updated] = await tx.update(messages).set({ deletedAt: sql`now()`, deletedBy: admin.id, deleteReason: reason })
      .where(and(eq(messages.id, messageId), isNull(messages.deletedAt))).returning()
    if (!updated) throw new AbortWrite(null)
    await appendAudit(tx, {
      actorId: admin.id, action: 'message.delete', targetType: 'message', targetId: messageId,
      projectId: conversation.projectId, reason, details: { conversationId: row.conversationId, senderId: row.senderId }
    })
    const [message] = await hydrateMessages(tx, [updated], admin)
    return { result: message!, change: { type: 'message:deleted', data: { messageId } }, detail: { moderatedBy: admin.id } }
  }).catch(async (error) => {
    if (!(error instanceof AbortWrite)) throw error
    return { result: (await getMessageView(db, messageId, admin))! }
  })
  return { message: committed.result }
}

/** Undoes a delete (the sender's or a moderator's): everyone sees the message again through `message:updated`. */
export async function restoreMessage(admin: AuthUser, messageId: string, reason?: string) {
  const { row, conversation, db } = await requireMessageRow(admin, messageId)
  if (!row.deletedAt) return { message: (await getMessageView(db, messageId, admin))! }
  const committed = await commitChange(row.conversationId, {}, async (tx) => {
    const [updated] = await tx.update(messages).set({ deletedAt: null, deletedBy: null, deleteReason: null })
      .where(and(eq(messages.id, messageId), isNotNull(messages.deletedAt))).returning()
    if (!updated) throw new AbortWrite(null)
    await appendAudit(tx, {
      actorId: admin.id, action: 'message.restore', targetType: 'message', targetId: messageId,
      projectId: conversation.projectId, reason: reason ?? null, details: { conversationId: row.conversationId }
    })
    const [message] = await hydrateMessages(tx, [updated], admin)
    return { result: message!, change: { type: 'message:updated', data: { message: message! } }, detail: { restoredBy: admin.id } }
  }).catch(async (error) => {
    if (!(error instanceof AbortWrite)) throw error
    return { result: (await getMessageView(db, messageId, admin))! }
  })
  return { message: committed.result }
}
