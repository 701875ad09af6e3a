import { and, eq } from 'drizzle-orm'
import { reactions } from '../db/schema'
import type { AuthUser } from './auth'
import { requireActive } from './access'
import { AbortWrite, writeConversationChange } from './conversation-writes'
import { useDb } from './db'
import { conflict } from './errors'
import { announceChange } from './events'
import { getMessageView, hydrateMessages } from './message-views'
import { requireMessage } from './messages'

/** Adds or removes the caller's reaction. A no-op (already there / not there) writes no event. */
export async function setReaction(user: AuthUser, messageId: string, emoji: string, present: boolean) {
  const { row, access } = await requireMessage(user, messageId)
  if (row.deletedAt) throw conflict('A deleted message cannot be reacted to')
  // Everyone in the conversation may react, announcements included.
  requireActive(access)
  try {
    const committed = await writeConversationChange(row.conversationId, { activeOnly: true }, async (tx) => {
      const changed = present
        ? await tx.insert(reactions).values({ messageId, userId: user.id, emoji }).onConflictDoNothing().returning()
        : await tx.delete(reactions).where(and(eq(reactions.messageId, messageId), eq(reactions.userId, user.id), eq(reactions.emoji, emoji))).returning()
      if (changed.length === 0) throw new AbortWrite(null)
      const [message] = await hydrateMessages(tx, [row], user)
      return { result: message!, change: { type: 'message:updated', messageId, payload: { reaction: { emoji, userId: user.id, present } } } }
    })
    announceChange(row.conversationId, committed.seq, 'message:updated', { message: committed.result })
    return { message: committed.result }
  } catch (error) {
    if (!(error instanceof AbortWrite)) throw error
    return { message: (await getMessageView(await useDb(), messageId, user))! }
  }
}
