import { and, eq, isNull, lt } from 'drizzle-orm'
import { conversationMembers } from '../../db/schema'
import { useDb } from '../../adapters/database/use-database'
import type { AuthUser } from '../auth/users'
import { requireConversation } from '../conversations/access'
import { publishEphemeral } from '../events/publish'

/** Moves the caller's read pointer forward only (never back, never past the conversation's last seq). */
export async function markRead(user: AuthUser, conversationId: string, seq: number) {
  const access = await requireConversation(user, conversationId)
  const target = Math.min(seq, access.conversation.lastSeq)
  if (!access.participant) return { lastReadSeq: target }
  const db = await useDb()
  // Only a mark that moves forward writes and is broadcast: 100 identical `read` frames are one receipt, not 100.
  const [moved] = await db.update(conversationMembers)
    .set({ lastReadSeq: target })
    .where(and(
      eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, user.id),
      isNull(conversationMembers.leftAt), lt(conversationMembers.lastReadSeq, target)))
    .returning({ lastReadSeq: conversationMembers.lastReadSeq })
  if (!moved) return { lastReadSeq: Math.max(access.lastReadSeq, target) }
  // Receipts are ephemeral: broadcast to the conversation's sockets, from REST and WS alike.
  publishEphemeral({ type: 'read', conversationId, data: { userId: user.id, seq: moved.lastReadSeq } })
  return { lastReadSeq: moved.lastReadSeq }
}
