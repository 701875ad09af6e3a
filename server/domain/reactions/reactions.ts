import { and, eq, sql } from 'drizzle-orm'
import { reactions } from '../../db/schema'
import type { Transaction } from '../../adapters/database/database'
import { useDb } from '../../adapters/database/use-database'
import { consumeRate } from '../../adapters/rate-limit'
import { useConfig } from '../../platform/config'
import { conflict } from '../../platform/errors'
import type { AuthUser } from '../auth/users'
import { requireActive, writableStatuses } from '../conversations/access'
import { AbortWrite, commitChange } from '../events/commit'
import { requireMessage } from '../messages/messages'
import { getMessageView, hydrateMessages } from '../messages/views'

/**
 * Whether one more emoji fits on the message: the distinct emoji on it, and the caller's own, are capped so one
 * user cannot paint 300 reactions on a message (every one an event at every member). Runs under the
 * conversation's row lock (commitChange), so racing adds cannot both take the last place.
 */
async function requireRoomForReaction(tx: Transaction, messageId: string, userId: string, emoji: string) {
  const { reactionEmojiPerMessage, reactionsPerUserPerMessage } = useConfig().limits
  const [counts] = await tx.select({
    distinct: sql<number>`count(distinct ${reactions.emoji}) filter (where ${reactions.emoji} <> ${emoji})`.mapWith(Number),
    mine: sql<number>`count(*) filter (where ${reactions.userId} = ${userId} and ${reactions.emoji} <> ${emoji})`.mapWith(Number),
    already: sql<boolean>`bool_or(${reactions.emoji} = ${emoji})`
  }).from(reactions).where(eq(reactions.messageId, messageId))
  if (!counts) return
  // Joining an emoji that is already there adds no new one to the message.
  if (!counts.already && counts.distinct >= reactionEmojiPerMessage) {
    throw conflict(`A message can carry at most ${reactionEmojiPerMessage} different reactions`)
  }
  if (counts.mine >= reactionsPerUserPerMessage) {
    throw conflict(`You can add at most ${reactionsPerUserPerMessage} reactions to one message`)
  }
}

/** Adds or removes the caller's reaction. A no-op (already there / not there) writes no event. */
export async function setReaction(user: AuthUser, messageId: string, emoji: string, present: boolean) {
  const { row, access } = await requireMessage(user, messageId)
  if (row.deletedAt) throw conflict('A deleted message cannot be reacted to')
  // Everyone in the conversation may react, announcements included.
  requireActive(access, user)
  await consumeRate('reaction', user.id, [[useConfig().limits.reactionsPerMinute, 60]])
  try {
    const committed = await commitChange(row.conversationId, { statuses: writableStatuses(user) }, async (tx) => {
      if (present) await requireRoomForReaction(tx, messageId, user.id, emoji)
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
