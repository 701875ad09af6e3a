import { and, eq, isNull, sql } from 'drizzle-orm'
import { conversationMembers } from '../db/schema'
import type { AuthUser } from './auth'
import { requireConversation } from './access'
import { useDb } from './db'
import { announceEphemeral } from './events'

/** Moves the caller's read pointer forward only (never back, never past the conversation's last seq). */
export async function markRead(user: AuthUser, conversationId: string, seq: number) {
  const access = await requireConversation(user, conversationId)
  const target = Math.min(seq, access.conversation.lastSeq)
  if (!access.participant) return { lastReadSeq: target }
  const db = await useDb()
  const [row] = await db.update(conversationMembers)
    .set({ lastReadSeq: sql`greatest(${conversationMembers.lastReadSeq}, ${target})` })
    .where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, user.id), isNull(conversationMembers.leftAt)))
    .returning({ lastReadSeq: conversationMembers.lastReadSeq })
  const lastReadSeq = row?.lastReadSeq ?? target
  // Receipts are ephemeral: broadcast to the conversation's sockets, from REST and WS alike.
  announceEphemeral(conversationId, 'read', { userId: user.id, seq: lastReadSeq })
  return { lastReadSeq }
}
