import { eq } from 'drizzle-orm'
import { conversations } from '#server/db/schema'
import { appendAudit } from '#server/domain/audit/audit'
import type { AuthUser } from '#server/domain/auth/users'
import { requireConversation } from '#server/domain/conversations/access'
import type { ConversationStatus } from '#server/domain/conversations/access'
import { loadConversation, toConversation } from '#server/domain/conversations/views'
import { commitChange } from '#server/domain/events/commit'

const ACTION: Record<ConversationStatus, string> = { active: 'conversation.reactivate', locked: 'conversation.lock', archived: 'conversation.archive' }

/**
 * Lock (read-only for everyone but admins), archive (read-only, gone from members' lists) or reactivate. A
 * sequenced `conversation:updated` tells every participant's socket at once.
 */
export async function setConversationStatus(admin: AuthUser, conversationId: string, status: ConversationStatus, reason?: string) {
  const { conversation: current } = await requireConversation(admin, conversationId)
  if (current.status === status) return { conversation: toConversation(current) }
  const committed = await commitChange(conversationId, {}, async (tx, seq) => {
    await tx.update(conversations).set({ status }).where(eq(conversations.id, conversationId))
    await appendAudit(tx, {
      actorId: admin.id, action: ACTION[status], targetType: 'conversation', targetId: conversationId,
      projectId: current.projectId, reason: reason ?? null, details: { from: current.status, to: status }
    })
    const conversation = await loadConversation(tx, conversationId, seq)
    return { result: conversation, change: { type: 'conversation:updated', data: { conversation } } }
  })
  return { conversation: committed.result }
}
