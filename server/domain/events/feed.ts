import { and, asc, eq, gt, inArray } from 'drizzle-orm'
import type { PersistedEvent } from '../../../shared/schemas/events'
import type { Conversation, Message } from '../../../shared/types'
import { conversationEvents, conversations, messages } from '../../db/schema'
import type { Executor } from '../../adapters/database/database'
import { useDb } from '../../adapters/database/use-database'
import type { AuthUser } from '../auth/users'
import { requireConversation } from '../conversations/access'
import { hydrateMessages } from '../messages/views'
import type { Viewer } from '../messages/views'

type EventRow = typeof conversationEvents.$inferSelect

/** Materializes stored events: message events carry the message's current state as the viewer may see it. */
async function toWireEvents(db: Executor, rows: EventRow[], viewer: Viewer): Promise<PersistedEvent[]> {
  const ids = [...new Set(rows.filter(r => r.messageId && r.type !== 'message:deleted').map(r => r.messageId!))]
  const messageRows = ids.length ? await db.select().from(messages).where(inArray(messages.id, ids)) : []
  const byId = new Map<string, Message>((await hydrateMessages(db, messageRows, viewer)).map(m => [m.id, m]))
  const events: PersistedEvent[] = []
  for (const row of rows) {
    const base = { conversationId: row.conversationId, seq: row.seq }
    const message = row.messageId ? byId.get(row.messageId) : undefined
    if (row.type === 'message:deleted' && row.messageId) events.push({ ...base, type: 'message:deleted', data: { messageId: row.messageId } })
    else if ((row.type === 'message:new' || row.type === 'message:updated') && message) events.push({ ...base, type: row.type, data: { message } })
    else if (row.type === 'conversation:updated') events.push({ ...base, type: 'conversation:updated', data: row.payload as { conversation: Conversation, removedUserIds?: string[] } })
  }
  return events
}

/** GET /conversations/:id/events: the feed after a seq, or `reset` when that seq fell out of the retained window. */
export async function listEvents(user: AuthUser, conversationId: string, after: number, limit: number) {
  const { conversation } = await requireConversation(user, conversationId)
  return readEvents(conversation, user, after, limit)
}

/** The feed of a conversation the caller was already authorised for (REST and the WS `sync` replay). */
export async function readEvents(conversation: { id: string, lastSeq: number, prunedSeq: number }, viewer: Viewer, after: number, limit: number) {
  if (after < conversation.prunedSeq) return { events: [], lastSeq: conversation.lastSeq, reset: true }
  const db = await useDb()
  const rows = await db.select().from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversation.id), gt(conversationEvents.seq, after)))
    .orderBy(asc(conversationEvents.seq)).limit(limit)
  return { events: await toWireEvents(db, rows, viewer), lastSeq: conversation.lastSeq, reset: false }
}

// Gap fill serves every socket of an instance at once: materialized as a plain participant sees it.
const PARTICIPANT_VIEW: Viewer = { id: '00000000-0000-0000-0000-000000000000', role: 'member' }

/** Events for the realtime layer's gap fill (no admin-only content). */
export async function loadEventsForFanout(conversationId: string, after: number, limit: number): Promise<PersistedEvent[]> {
  if (limit <= 0) return []
  const db = await useDb()
  const rows = await db.select().from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversationId), gt(conversationEvents.seq, after)))
    .orderBy(asc(conversationEvents.seq)).limit(Math.min(limit, 1000))
  return toWireEvents(db, rows, PARTICIPANT_VIEW)
}

/** The newest seq of each conversation (the realtime `ping` heads and the sequencers' starting points). */
export async function listConversationHeads(conversationIds: string[]): Promise<Record<string, number>> {
  if (conversationIds.length === 0) return {}
  const db = await useDb()
  const rows = await db.select({ id: conversations.id, lastSeq: conversations.lastSeq }).from(conversations)
    .where(inArray(conversations.id, conversationIds))
  return Object.fromEntries(rows.map(r => [r.id, r.lastSeq]))
}
