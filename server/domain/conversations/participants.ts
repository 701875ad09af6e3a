import { and, eq, isNull, sql } from 'drizzle-orm'
import { conversationMembers } from '../../db/schema'
import { appendAudit } from '../audit/audit'
import type { AuthUser } from '../auth/users'
import { AbortWrite, commitChange } from '../events/commit'
import { loadConversation } from './views'

/**
 * Removes a participant: marks the membership as left and appends `conversation:updated` in one write, so
 * the realtime layer can drop the user's subscriptions before any later event of the conversation.
 */
export async function removeParticipant(actor: AuthUser, conversationId: string, userId: string) {
  try {
    await commitChange(conversationId, {}, async (tx, seq) => {
      const left = await tx.update(conversationMembers).set({ leftAt: sql`now()` })
        .where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, userId), isNull(conversationMembers.leftAt)))
        .returning()
      if (left.length === 0) throw new AbortWrite(null)
      await appendAudit(tx, { actorId: actor.id, action: 'participant.remove', targetType: 'conversation', targetId: conversationId, details: { userId } })
      const conversation = await loadConversation(tx, conversationId, seq)
      return { result: conversation, change: { type: 'conversation:updated', data: { conversation, removedUserIds: [userId] } } }
    })
    return true
  } catch (error) {
    if (error instanceof AbortWrite) return false
    throw error
  }
}
