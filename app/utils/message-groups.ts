import type { Message } from '../../shared/types'
import { dayKey } from './message-time'

/** Consecutive messages by one sender closer than this share one avatar and name. */
export const GROUP_GAP_MS = 5 * 60_000

export interface MessageRow {
  message: Message
  /** Shows the avatar and the sender's name: the first message of a group. */
  startsGroup: boolean
  /** The message is the first of its calendar day (in the viewer's zone): a day separator goes above it. */
  startsDay: boolean
}

type Groupable = Pick<Message, 'senderId' | 'createdAt' | 'replyToId' | 'deletedAt' | 'type'>

/** Whether `message` continues the group of `previous` (same sender, same day, within the gap, neither special). */
export function continuesGroup(previous: Groupable | undefined, message: Groupable, timeZone?: string): boolean {
  if (!previous || previous.senderId !== message.senderId) return false
  // A reply carries its quote, a deleted message its notice, a system message no author: each stands alone.
  if (message.replyToId || message.deletedAt || previous.deletedAt || message.type === 'system' || previous.type === 'system') return false
  const gap = new Date(message.createdAt).getTime() - new Date(previous.createdAt).getTime()
  if (gap < 0 || gap > GROUP_GAP_MS) return false
  return dayKey(new Date(previous.createdAt), timeZone) === dayKey(new Date(message.createdAt), timeZone)
}

/** The list's rows, oldest first, each saying whether it opens a group and a day. */
export function groupMessages(messages: readonly Message[], timeZone?: string): MessageRow[] {
  return messages.map((message, i) => {
    const previous = messages[i - 1]
    const startsDay = !previous || dayKey(new Date(previous.createdAt), timeZone) !== dayKey(new Date(message.createdAt), timeZone)
    return { message, startsDay, startsGroup: !continuesGroup(previous, message, timeZone) }
  })
}
