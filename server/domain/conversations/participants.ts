import { and, eq, isNull, sql } from 'drizzle-orm'
import { conversationMembers, projectMembers } from '../../db/schema'
import { useDb } from '../../adapters/database/use-database'
import { notFound } from '../../platform/errors'
import { appendAudit } from '../audit/audit'
import type { AuthUser } from '../auth/users'
import { AbortWrite, commitChange } from '../events/commit'
import { publishToUsers } from '../events/publish'
import { requireConversation } from './access'
import { loadConversation } from './views'

/**
 * Adds (or brings back) a participant: one sequenced `conversation:updated` for the conversation, and a notice
 * on the user's own channel so their open sockets subscribe at once. They must belong to the project (else 404).
 */
export async function addParticipant(actor: AuthUser, conversationId: string, userId: string, options: { role?: 'owner' | 'member', reason?: string } = {}) {
  const { conversation: current } = await requireConversation(actor, conversationId)
  const db = await useDb()
  const [member] = await db.select({ userId: projectMembers.userId }).from(projectMembers)
    .where(and(eq(projectMembers.projectId, current.projectId), eq(projectMembers.userId, userId)))
  if (!member) throw notFound('User not found')
  try {
    const committed = await commitChange(conversationId, {}, async (tx, seq) => {
      const joined = await tx.insert(conversationMembers).values({ conversationId, userId, role: options.role ?? 'member' })
        .onConflictDoUpdate({
          target: [conversationMembers.conversationId, conversationMembers.userId],
          set: { leftAt: null, joinedAt: sql`now()`, role: options.role ?? 'member' },
          // Only a former participant comes back; a current one is left as is (no event).
          setWhere: sql`${conversationMembers.leftAt} is not null`
        }).returning()
      if (joined.length === 0) throw new AbortWrite(null)
      await appendAudit(tx, {
        actorId: actor.id, action: 'participant.add', targetType: 'conversation', targetId: conversationId,
        projectId: current.projectId, reason: options.reason ?? null, details: { userId, role: options.role ?? 'member' }
      })
      const conversation = await loadConversation(tx, conversationId, seq)
      return { result: conversation, change: { type: 'conversation:updated', data: { conversation } } }
    })
    publishToUsers([userId], { type: 'conversation:updated', data: { conversation: committed.result, added: true } })
    return { conversation: committed.result, added: true }
  } catch (error) {
    if (!(error instanceof AbortWrite)) throw error
    return { conversation: await loadConversation(db, conversationId), added: false }
  }
}

/**
 * Removes a participant: marks the membership as left and appends `conversation:updated` in one write, so
 * the realtime layer can drop the user's subscriptions before any later event of the conversation.
 */
export async function removeParticipant(actor: AuthUser, conversationId: string, userId: string, reason?: string) {
  try {
    await commitChange(conversationId, {}, async (tx, seq) => {
      const left = await tx.update(conversationMembers).set({ leftAt: sql`now()` })
        .where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, userId), isNull(conversationMembers.leftAt)))
        .returning()
      if (left.length === 0) throw new AbortWrite(null)
      await appendAudit(tx, { actorId: actor.id, action: 'participant.remove', targetType: 'conversation', targetId: conversationId, reason: reason ?? null, details: { userId } })
      const conversation = await loadConversation(tx, conversationId, seq)
      return { result: conversation, change: { type: 'conversation:updated', data: { conversation, removedUserIds: [userId] } } }
    })
    return true
  } catch (error) {
    if (error instanceof AbortWrite) return false
    throw error
  }
}
