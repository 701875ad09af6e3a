import { and, asc, eq, gt, inArray, lt, sql } from 'drizzle-orm'
import type { Executor } from '../db/client'
import { conversationEvents, conversations, messages } from '../db/schema'
import type { ConversationEvent, ConversationEventType, Message } from '../../shared/types'
import type { AuthUser } from './auth'
import { requireConversation } from './access'
import { useDb } from './db'
import { hydrateMessages } from './message-views'
import { useBus } from './bus'

/** The bus channel of a conversation's live events. */
export const conversationChannel = (conversationId: string) => `conv:${conversationId}`

/**
 * Called after COMMIT only: hands the event to the bus for live delivery (realtime layer). Not awaited by the
 * write: a slow or absent Redis must never delay or fail an ack. A lost publish is recovered by the
 * instances' sequencers (gap fill from conversation_events) and by clients through `sync`.
 */
export function announceChange(conversationId: string, seq: number, type: ConversationEventType, data: Record<string, unknown>) {
  const event: ConversationEvent = { type, conversationId, seq, data }
  publishQuietly(conversationChannel(conversationId), JSON.stringify(event))
}

/** Typing and read receipts: no seq, never stored, best-effort. */
export function announceEphemeral(conversationId: string, type: 'typing' | 'read', data: Record<string, unknown>) {
  publishQuietly(conversationChannel(conversationId), JSON.stringify({ type, conversationId, data }))
}

/** Tells each user's sockets about a conversation they were added to, so they subscribe to it. */
export function announceToUsers(userIds: string[], type: 'conversation:updated', data: Record<string, unknown>) {
  const payload = JSON.stringify({ type, data })
  for (const userId of userIds) publishQuietly(`user:${userId}`, payload)
}

function publishQuietly(channel: string, payload: string) {
  useBus().publish(channel, payload).catch((error: Error) => {
    console.warn('[switchboard] live publish failed; clients will catch up through sync:', error.message)
  })
}

/** Materializes stored events: message events carry the message's current state as the viewer may see it. */
async function toWireEvents(db: Executor, rows: Array<typeof conversationEvents.$inferSelect>, viewer: Pick<AuthUser, 'id' | 'role'>): Promise<ConversationEvent[]> {
  const ids = [...new Set(rows.filter(r => r.messageId && r.type !== 'message:deleted').map(r => r.messageId!))]
  const messageRows = ids.length ? await db.select().from(messages).where(inArray(messages.id, ids)) : []
  const byId = new Map<string, Message>((await hydrateMessages(db, messageRows, viewer)).map(m => [m.id, m]))
  return rows.map((row) => {
    let data: Record<string, unknown> = row.payload
    if (row.type === 'message:deleted') data = { messageId: row.messageId }
    else if (row.messageId) data = { message: byId.get(row.messageId) ?? null }
    return { type: row.type as ConversationEventType, conversationId: row.conversationId, seq: row.seq, data }
  })
}

/** GET /conversations/:id/events: the feed after a seq, or `reset` when that seq fell out of the retained window. */
export async function listEvents(user: AuthUser, conversationId: string, after: number, limit: number) {
  const { conversation } = await requireConversation(user, conversationId)
  return readEvents(conversation, user, after, limit)
}

/** The feed of a conversation the caller was already authorised for (REST and the WS `sync` replay). */
export async function readEvents(conversation: { id: string, lastSeq: number, prunedSeq: number }, viewer: AuthUser, after: number, limit: number) {
  if (after < conversation.prunedSeq) return { events: [], lastSeq: conversation.lastSeq, reset: true }
  const db = await useDb()
  const rows = await db.select().from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversation.id), gt(conversationEvents.seq, after)))
    .orderBy(asc(conversationEvents.seq)).limit(limit)
  return { events: await toWireEvents(db, rows, viewer), lastSeq: conversation.lastSeq, reset: false }
}

/** Events for the realtime layer's gap fill: materialized for a plain participant (no admin-only content). */
export async function loadEventsForFanout(conversationId: string, after: number, limit: number): Promise<ConversationEvent[]> {
  if (limit <= 0) return []
  const db = await useDb()
  const rows = await db.select().from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversationId), gt(conversationEvents.seq, after)))
    .orderBy(asc(conversationEvents.seq)).limit(Math.min(limit, 1000))
  return toWireEvents(db, rows, PARTICIPANT_VIEW)
}

const PARTICIPANT_VIEW = { id: '00000000-0000-0000-0000-000000000000', role: 'member' } as AuthUser

/**
 * Retention: drops events older than the cutoff and records how far each conversation was pruned, so a
 * client asking for anything before that gets `reset` instead of a silent gap.
 */
export async function pruneEvents(db: Executor, olderThan: Date): Promise<number> {
  const pruned = await db.delete(conversationEvents).where(lt(conversationEvents.createdAt, olderThan))
    .returning({ conversationId: conversationEvents.conversationId, seq: conversationEvents.seq })
  const maxByConversation = new Map<string, number>()
  for (const p of pruned) maxByConversation.set(p.conversationId, Math.max(p.seq, maxByConversation.get(p.conversationId) ?? 0))
  for (const [conversationId, seq] of maxByConversation) {
    await db.update(conversations).set({ prunedSeq: sql`greatest(${conversations.prunedSeq}, ${seq})` })
      .where(eq(conversations.id, conversationId))
  }
  return pruned.length
}
