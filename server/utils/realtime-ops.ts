import { inArray } from 'drizzle-orm'
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'
import { conversations } from '../db/schema'
import type { ClientFrame } from '../../shared/schemas/ws'
import { requireConversation } from './access'
import { useDb } from './db'
import { announceEphemeral, conversationChannel, readEvents } from './events'
import { deleteMessage, editMessage, sendMessage } from './messages'
import { isApiError } from './errors'
import { setReaction } from './reactions'
import { markRead } from './reads'
import { getRedis } from './redis'
import { join, leave, sendFrame, sendRaw } from './realtime-hub'
import type { Connection } from './realtime-hub'
import { broadcastPresence } from './realtime-presence'
import { usePresenceStore } from './presence'

let typingLimiter: RateLimiterAbstract | undefined
/** Typing is a protocol throttle (1 per 2 s per user and conversation), kept even when RATE_LIMITS=off. */
function typingGate(): RateLimiterAbstract {
  const redis = getRedis()
  const opts = { keyPrefix: 'typing', points: 1, duration: 2 }
  typingLimiter ??= redis ? new RateLimiterRedis({ ...opts, storeClient: redis, insuranceLimiter: new RateLimiterMemory(opts) }) : new RateLimiterMemory(opts)
  return typingLimiter
}

/** Subscribes after checking access; the caller decides what a miss means. */
export async function subscribeTo(connection: Connection, conversationId: string) {
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
  connection.syncing.set(conversationId, [])
  try {
    await joinConversation(connection, conversationId)
    let after = cursor
    let lastSeq = 0
    for (;;) {
      const page = await readEvents(conversation, connection.user, after, 500)
      lastSeq = page.lastSeq
      if (page.reset) return { lastSeq, reset: true }
      for (const event of page.events) sendFrame(connection, event)
      if (page.events.length) connection.delivered.set(conversationId, Math.max(connection.delivered.get(conversationId) ?? 0, page.events.at(-1)!.seq))
      if (page.events.length) after = page.events.at(-1)!.seq
      if (page.events.length < 500) break
    }
    // Live events that arrived during the replay, minus those the replay already carried.
    for (const held of connection.syncing.get(conversationId) ?? []) {
      if (held.seq > Math.max(after, connection.delivered.get(conversationId) ?? 0)) {
        sendRaw(connection, held.raw)
        connection.delivered.set(conversationId, held.seq)
      }
    }
    lastSeq = Math.max(lastSeq, after)
    return { lastSeq, reset: false }
  } finally {
    connection.syncing.delete(conversationId)
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
      const allowed = await typingGate().consume(`${user.id}:${access.conversation.id}`).then(() => true, () => false)
      // A stop is always forwarded, so an indicator never outlives the typing.
      if (allowed || !frame.data.typing) announceEphemeral(access.conversation.id, 'typing', { userId: user.id, typing: frame.data.typing })
      return { forwarded: allowed || !frame.data.typing }
    }
    case 'read': {
      return markRead(user, frame.data.conversationId, frame.data.seq)
    }
    case 'presence': {
      connection.status = frame.data.status
      await usePresenceStore().setStatus(user.id, connection.id, frame.data.status)
      await broadcastPresence(user.id)
      return { status: frame.data.status }
    }
    case 'ping': {
      const ids = [...connection.conversations]
      const db = await useDb()
      const rows = ids.length ? await db.select({ id: conversations.id, lastSeq: conversations.lastSeq }).from(conversations).where(inArray(conversations.id, ids)) : []
      return { serverTime: new Date().toISOString(), heads: Object.fromEntries(rows.map(r => [r.id, r.lastSeq])) }
    }
  }
}
