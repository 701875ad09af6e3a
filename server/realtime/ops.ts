import type { ClientFrame } from '../../shared/schemas/ws'
import { usePresence } from '../adapters/presence/use-presence'
import { requireConversation, requireWritable } from '../domain/conversations/access'
import { conversationChannel } from '../domain/events/channels'
import { listConversationHeads, readEvents } from '../domain/events/feed'
import { deleteMessage, editMessage, sendMessage } from '../domain/messages/messages'
import { setReaction } from '../domain/reactions/reactions'
import { markRead } from '../domain/reads/reads'
import { isApiError } from '../platform/errors'
import { join, leave, sendFrame, sendRaw } from './hub'
import type { Connection } from './hub'
import { announcePresenceChange } from './presence'
import { forwardTyping } from './typing'

/**
 * Subscribes after checking access; the caller decides what a miss means. A conversation this socket already
 * follows was checked when it joined (at open, or by an earlier subscribe) and stays checked: a removal takes it
 * off the socket at delivery time (hub, `conversation:removed`), so asking again costs no query.
 */
export async function subscribeTo(connection: Connection, conversationId: string) {
  if (connection.conversations.has(conversationId)) return
  await requireConversation(connection.user, conversationId)
  await joinConversation(connection, conversationId)
}

async function joinConversation(connection: Connection, conversationId: string) {
  if (!connection.conversations.has(conversationId)) await join(connection, conversationChannel(conversationId), conversationId)
}

/** Replays what the socket missed, in seq order, holding live events back until the replay is out. */
async function syncConversation(connection: Connection, conversationId: string, cursor: number) {
  // One access check for the whole replay; pages read the feed directly.
  const { conversation } = await requireConversation(connection.user, conversationId)
  ;(connection.syncing ??= new Map()).set(conversationId, [])
  try {
    await joinConversation(connection, conversationId)
    let after = cursor
    let lastSeq = 0
    for (;;) {
      const page = await readEvents(conversation, connection.user, after, 500)
      lastSeq = page.lastSeq
      if (page.reset) return { lastSeq, reset: true }
      for (const event of page.events) sendFrame(connection, event)
      if (page.events.length) connection.replayedUpTo.set(conversationId, Math.max(connection.replayedUpTo.get(conversationId) ?? 0, page.events.at(-1)!.seq))
      if (page.events.length) after = page.events.at(-1)!.seq
      if (page.events.length < 500) break
    }
    // Live events that arrived during the replay, minus those the replay already carried.
    for (const held of connection.syncing?.get(conversationId) ?? []) {
      if (held.seq > Math.max(after, connection.replayedUpTo.get(conversationId) ?? 0)) {
        sendRaw(connection, held.raw)
        connection.replayedUpTo.set(conversationId, held.seq)
      }
    }
    lastSeq = Math.max(lastSeq, after)
    return { lastSeq, reset: false }
  } finally {
    connection.syncing?.delete(conversationId)
  }
}

/** Runs one validated client op and returns the reply data; domain errors propagate to the caller. */
export async function runOp(connection: Connection, frame: ClientFrame): Promise<unknown> {
  const user = connection.user
  switch (frame.type) {
    case 'subscribe': {
      for (const id of frame.data.conversationIds) await subscribeTo(connection, id)
      return { conversationIds: [...connection.conversations] }
    }
    case 'unsubscribe': {
      for (const id of frame.data.conversationIds) leave(connection, id)
      return { conversationIds: [...connection.conversations] }
    }
    case 'sync': {
      const result: Record<string, { lastSeq: number, reset: boolean }> = {}
      const notFound: string[] = []
      for (const [id, cursor] of Object.entries(frame.data.cursors)) {
        try {
          result[id] = await syncConversation(connection, id, cursor)
        } catch (error) {
          // Only "you may not read this" is reported per id; anything else fails the op as usual.
          if (!isApiError(error) || error.data.code !== 'not_found') throw error
          notFound.push(id)
        }
      }
      return notFound.length ? { conversations: result, notFound } : { conversations: result }
    }
    case 'message:send': {
      const { conversationId, ...body } = frame.data
      return sendMessage(user, conversationId, body)
    }
    case 'message:edit':
      return editMessage(user, frame.data.messageId, { content: frame.data.content })
    case 'message:delete':
      return deleteMessage(user, frame.data.messageId)
    case 'reaction:add':
    case 'reaction:remove':
      return setReaction(user, frame.data.messageId, frame.data.emoji, frame.type === 'reaction:add')
    case 'typing': {
      const access = await requireConversation(user, frame.data.conversationId)
      // Typing is refused where the user may not post (a client in an announcement, a locked conversation).
      requireWritable(access, user)
      // Contract §5: one per 2 s per user and conversation, even with RATE_LIMITS=off; a stop is held, not dropped.
      return forwardTyping(user, access.conversation.id, frame.data.typing)
    }
    case 'read': {
      return markRead(user, frame.data.conversationId, frame.data.seq)
    }
    case 'presence': {
      connection.status = frame.data.status
      await usePresence().setStatus(user.id, connection.id, frame.data.status)
      announcePresenceChange(user.id)
      return { status: frame.data.status }
    }
    case 'ping': {
      return { serverTime: new Date().toISOString(), heads: await listConversationHeads([...connection.conversations]) }
    }
  }
}
