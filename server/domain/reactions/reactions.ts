import { and, eq } from 'drizzle-orm'
import { reactions } from '../../db/schema'
import { useDb } from '../../adapters/database/use-database'
import { conflict } from '../../platform/errors'
import type { AuthUser } from '../auth/users'
import { requireActive, writableStatuses } from '../conversations/access'
import { AbortWrite, commitChange } from '../events/commit'
import { requireMessage } from '../messages/messages'
import { getMessageView, hydrateMessages } from '../messages/views'

/** Adds or removes the caller's reaction. A no-op (already there / not there) writes no event. */
export async function setReaction(user: AuthUser, messageId: string, emoji: string, present: boolean) {
  const { row, access } = await requireMessage(user, messageId)
  if (row.deletedAt) throw conflict('A deleted message cannot be reacted to')
  // Everyone in the conversation may react, announcements included.
  requireActive(access, user)
  try {
    const committed = await commitChange(row.conversationId, { statuses: writableStatuses(user) }, async (tx) => {
      const changed = present
        ? await tx.insert(reactions).values({ messageId, userId: user.id, emoji }).onConflictDoNothing().returning()
        : await tx.delete(reactions).where(and(eq(reactions.messageId, messageId), eq(reactions.userId, user.id), eq(reactions.emoji, emoji))).returning()
      if (changed.length === 0) throw new AbortWrite(null)
      const [message] = await hydrateMessages(tx, [row], user)
      return { result: message!, change: { type: 'message:updated', data: { message: message! } }, detail: { reaction: { emoji, userId: user.id, present } } }
    })
    return { message: committed.result }
  } catch (error) {
    if (!(error instanceof AbortWrite)) throw error
    return { message: (await getMessageView(await useDb(), messageId, user))! }
  }
}
