import { and, eq, isNull, lt } from 'drizzle-orm'
import { conversationMembers } from '../../db/schema'
import { useDb } from '../../adapters/database/use-database'
import { useConfig } from '../../platform/config'
import type { AuthUser } from '../auth/users'
import { requireConversation } from '../conversations/access'
import { publishEphemeral } from '../events/publish'

/**
 * Receipts are ephemeral: broadcast to the conversation's sockets, from REST and WS alike, at most once per window
 * per user and conversation. The first mark of a window goes out at once; later ones become one receipt of the
 * furthest mark when the window closes, so a client reading message by message sends a few receipts, not hundreds,
 * and the last one always arrives. Per instance: a user's reads come through their sockets and requests.
 */
interface ReceiptWindow { pending?: number }
const receiptWindows = new Map<string, ReceiptWindow>()

function broadcastReceipt(userId: string, conversationId: string, seq: number) {
  const key = `${userId}:${conversationId}`
  const open = receiptWindows.get(key)
  if (open) {
    open.pending = Math.max(open.pending ?? 0, seq)
    return
  }
  const publish = (mark: number) => publishEphemeral({ type: 'read', conversationId, data: { userId, seq: mark } })
  const current: ReceiptWindow = {}
  receiptWindows.set(key, current)
  publish(seq)
  const close = () => setTimeout(() => {
    if (current.pending === undefined) return void receiptWindows.delete(key)
    publish(current.pending)
    current.pending = undefined
    close()
  }, useConfig().realtime.readCoalesceMs).unref()
  close()
}

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
  broadcastReceipt(user.id, conversationId, moved.lastReadSeq)
  return { lastReadSeq: moved.lastReadSeq }
}
