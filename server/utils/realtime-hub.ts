import type { WebSocket } from 'ws'
import { BusEnvelope } from '../../shared/schemas/ws'
import type { AuthUser } from './auth'
import { useBus } from './bus'
import { conversationChannel } from './events'
import { createSequencer } from './realtime-sequencer'
import type { Sequencer } from './realtime-sequencer'

/** Buffered bytes past which ephemeral events are dropped for a socket, and past which it is closed. */
export const SOFT_BUFFER_BYTES = Number(process.env.WS_SOFT_BUFFER_BYTES || 256 * 1024)
export const HARD_BUFFER_BYTES = Number(process.env.WS_HARD_BUFFER_BYTES || 4 * 1024 * 1024)
export const CLOSE_TOO_SLOW = 1013

export interface Connection {
  id: string
  user: AuthUser
  ws: WebSocket
  openedAt: number
  lastActivity: number
  expiresAt: number | null
  status: 'online' | 'away'
  conversations: Set<string>
  /** Every bus channel this socket is in, so closing it touches only those topics. */
  channels: Set<string>
  /** Conversations being synced: live events wait here so they never overtake the replay. */
  syncing: Map<string, Array<{ seq: number, raw: string }>>
  /** Highest seq sent on this socket per conversation (live or replayed): nothing at or below it is sent again. */
  delivered: Map<string, number>
}

interface Topic {
  connections: Set<Connection>
  sequencer: Sequencer | null
  unsubscribe: Promise<() => Promise<void>>
}

const EPHEMERAL = new Set(['typing', 'read', 'presence', 'notification', 'file:updated'])

/**
 * The per-instance fan-out index: bus channel → local sockets. Each bus message is validated once, parsed once
 * and its text forwarded unchanged to every local subscriber (serialized once per instance, not per socket).
 * Bus subscriptions are reference-counted by the sockets that need them.
 */
const topics = new Map<string, Topic>()
export const connections = new Map<string, Connection>()

export function sendRaw(connection: Connection, raw: string, ephemeral = false): void {
  const ws = connection.ws
  if (ws.readyState !== ws.OPEN) return
  if (ws.bufferedAmount > HARD_BUFFER_BYTES) {
    // It will sync on reconnect; holding more for it would make one slow reader everyone's problem.
    ws.close(CLOSE_TOO_SLOW, 'too slow')
    return
  }
  if (ephemeral && ws.bufferedAmount > SOFT_BUFFER_BYTES) return
  ws.send(raw)
}

export function sendFrame(connection: Connection, frame: unknown, ephemeral = false) {
  sendRaw(connection, JSON.stringify(frame), ephemeral)
}

function deliverToTopic(channel: string, envelope: BusEnvelope, raw: string) {
  const topic = topics.get(channel)
  if (!topic) return
  if (envelope.type === 'control') {
    // Instance-to-instance instruction on a user channel (the per-user socket cap): never forwarded.
    const target = connections.get(String(envelope.data.close))
    if (target && topic.connections.has(target)) target.ws.close(Number(envelope.data.code) || 4008, 'too many sockets')
    return
  }
  const removed = envelope.type === 'conversation:updated' && Array.isArray(envelope.data.removedUserIds)
    ? new Set(envelope.data.removedUserIds as string[])
    : undefined
  const added = channel.startsWith('user:') && envelope.type === 'conversation:updated' && envelope.data.added === true
    ? addedConversationId(envelope)
    : undefined
  for (const connection of [...topic.connections]) {
    if (added) join(connection, conversationChannel(added), added).catch(() => {})
    if (removed?.has(connection.user.id) && envelope.conversationId) {
      // Authorisation at delivery time: the removed participant gets nothing more of this conversation.
      leave(connection, envelope.conversationId)
      sendFrame(connection, { type: 'conversation:removed', data: { conversationId: envelope.conversationId } })
      continue
    }
    if (envelope.type === 'typing' && envelope.data.userId === connection.user.id) continue
    const conversationId = envelope.conversationId
    if (conversationId && envelope.seq) {
      if (envelope.seq <= (connection.delivered.get(conversationId) ?? 0)) continue
      const pending = connection.syncing.get(conversationId)
      if (pending) {
        pending.push({ seq: envelope.seq, raw })
        continue
      }
      connection.delivered.set(conversationId, envelope.seq)
    }
    sendRaw(connection, raw, EPHEMERAL.has(envelope.type))
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
function addedConversationId(envelope: BusEnvelope): string | undefined {
  const id = (envelope.data.conversation as { id?: unknown } | undefined)?.id
  return typeof id === 'string' && UUID.test(id) ? id : undefined
}

function onBusMessage(channel: string, payload: string) {
  let envelope: BusEnvelope
  try {
    const parsed = BusEnvelope.safeParse(JSON.parse(payload))
    if (!parsed.success) return
    envelope = parsed.data
  } catch {
    return
  }
  const topic = topics.get(channel)
  if (envelope.seq && topic?.sequencer) topic.sequencer.push(envelope.seq, () => deliverToTopic(channel, envelope, payload))
  else deliverToTopic(channel, envelope, payload)
}

/** Adds a socket to a channel, subscribing the instance to the bus channel on first use. */
export async function join(connection: Connection, channel: string, conversationId?: string): Promise<void> {
  let topic = topics.get(channel)
  if (!topic) {
    topic = {
      connections: new Set(),
      sequencer: conversationId ? createSequencer(conversationId, envelopeRaw => onBusMessage(channel, envelopeRaw)) : null,
      unsubscribe: useBus().subscribe(channel, payload => onBusMessage(channel, payload))
    }
    topics.set(channel, topic)
  }
  topic.connections.add(connection)
  connection.channels.add(channel)
  if (conversationId) connection.conversations.add(conversationId)
  await topic.unsubscribe
  await topic.sequencer?.ready
}

function leaveChannel(connection: Connection, channel: string) {
  connection.channels.delete(channel)
  const topic = topics.get(channel)
  if (!topic) return
  topic.connections.delete(connection)
  if (topic.connections.size === 0) {
    topics.delete(channel)
    topic.sequencer?.stop()
    topic.unsubscribe.then(unsubscribe => unsubscribe()).catch(() => {})
  }
}

export function leave(connection: Connection, conversationId: string) {
  connection.conversations.delete(conversationId)
  connection.syncing.delete(conversationId)
  connection.delivered.delete(conversationId)
  leaveChannel(connection, conversationChannel(conversationId))
}

export function leaveAll(connection: Connection) {
  for (const channel of [...connection.channels]) leaveChannel(connection, channel)
  connection.conversations.clear()
  connections.delete(connection.id)
}

/** Local sockets of a user, oldest first. */
export function connectionsOf(userId: string): Connection[] {
  return [...connections.values()].filter(c => c.user.id === userId).sort((a, b) => a.openedAt - b.openedAt)
}

export function topicCount() {
  return topics.size
}
