import type { Socket } from 'node:net'
import * as wsModule from 'ws'
import type { WebSocket } from 'ws'
import { BusEnvelope } from '../../shared/schemas/events'
import type { ServerFrame } from '../../shared/schemas/events'
import { useBus } from '../adapters/bus/use-bus'
import type { AuthUser } from '../domain/auth/users'
import { conversationChannel } from '../domain/events/channels'
import { useConfig } from '../platform/config'
import { useLogger } from '../platform/logger'
import { createSequencer, eventFeedSource } from './sequencer'
import type { Sequencer } from './sequencer'

export const CLOSE_TOO_SLOW = 1013
export const CLOSE_TOO_MANY = 4008

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
  /** Conversations being synced: live events wait here so they never overtake the replay. Made by the first sync. */
  syncing?: Map<string, Array<{ seq: number, raw: string }>>
  /**
   * Per conversation, the highest seq a replay (sync) sent on this socket while live delivery had not reached it:
   * no live event at or below it is sent again. Live delivery is in seq order and needs no mark of its own.
   */
  replayedUpTo: Map<string, number>
  /** Which tick of the heartbeat interval pings this socket (fixed at open, so closes elsewhere never shift it). */
  heartbeatSlot: number
  /** The TCP socket under `ws` when prepared frames may be written to it (directSocket), fixed at open. */
  socket: Socket | undefined
}

interface Topic {
  connections: Set<Connection>
  sequencer: Sequencer | null
  unsubscribe: Promise<() => Promise<void>>
  /** Set while the topic has no sockets: when it fires, the bus subscription goes (see leaveChannel). */
  lingering?: NodeJS.Timeout
}

const OPEN = wsModule.WebSocket.OPEN

const EPHEMERAL = new Set(['typing', 'read', 'presence', 'notification', 'file:updated'])

/**
 * The per-instance fan-out index: bus channel → local sockets. Each bus message is validated once, parsed once
 * and its text forwarded unchanged to every local subscriber (serialized once per instance, not per socket).
 * Bus subscriptions are reference-counted by the sockets that need them.
 */
const topics = new Map<string, Topic>()
export const connections = new Map<string, Connection>()

/** One event's text frame as it goes on the wire (WebSocket header + UTF-8 payload), built once per instance. */
export interface WireFrame { wire: Buffer, payload: Buffer }

// ws's own framing (RFC 6455: FIN, text opcode, no mask from a server, no compression): the static part of
// `ws.send`, used here once per event instead of once per recipient. @types/ws does not declare `Sender`.
const frameWith = (wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender.frame

export function wireFrame(text: string): WireFrame {
  const payload = Buffer.from(text)
  return { wire: Buffer.concat(frameWith(payload, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false })), payload }
}

/**
 * The socket under a `ws` WebSocket, when a ready-made frame may be written to it directly: nothing negotiated
 * (no permessage-deflate, whose sender queues frames while it compresses). `ws.send` would frame the same
 * payload again for every recipient, then cork, write header and payload and uncork; one prepared frame is one
 * `write`, and `bufferedAmount` still counts it (it reads the socket's own buffer). Asked once, when the socket
 * opens: extensions are settled by the handshake, and `ws.extensions` builds a string on every read.
 */
export function directSocket(ws: WebSocket): Socket | undefined {
  if (ws.extensions !== '') return undefined
  return (ws as unknown as { _socket?: Socket })._socket ?? undefined
}

/** What a socket may hold unread: above `soft` ephemeral frames are skipped, above `hard` it is closed. */
interface BufferLimits { softBufferBytes: number, hardBufferBytes: number }

/**
 * One frame to one socket: text, or an event's frame prepared once for every local recipient. Sent as a text
 * frame either way. `limits` lets the fan-out loop read the configuration once per event, not per recipient.
 */
export function sendRaw(connection: Connection, raw: string | WireFrame, ephemeral = false, limits: BufferLimits = useConfig().realtime): void {
  const ws = connection.ws
  if (ws.readyState !== OPEN) return
  const buffered = ws.bufferedAmount
  if (buffered > limits.hardBufferBytes) {
    // It will sync on reconnect; holding more for it would make one slow reader everyone's problem.
    closeSlowReader(connection, buffered)
    return
  }
  if (ephemeral && buffered > limits.softBufferBytes) return
  if (typeof raw === 'string') {
    ws.send(raw, { binary: false })
    return
  }
  if (connection.socket) connection.socket.write(raw.wire)
  else ws.send(raw.payload, { binary: false })
}

/** Sockets this instance closed for reading too slowly since it started (in each such log line). */
let slowReadersClosed = 0

/**
 * Closes a socket whose unread frames passed WS_HARD_BUFFER_BYTES with 1013. The close frame queues behind all
 * it has not read, so a reader that stays paused would never get it, and ws would keep the socket and its buffers
 * for its 30 s closing timeout. So every WS_SLOW_CLOSE_GRACE_MS the socket must have read some of its backlog: a
 * slow reader still draining towards the close frame gets it, one that stopped is dropped (the client sees 1006).
 */
function closeSlowReader(connection: Connection, bufferedBytes: number) {
  const ws = connection.ws
  slowReadersClosed++
  useLogger().warn('slow reader closed', { userId: connection.user.id, connectionId: connection.id, bufferedBytes, closedSinceStart: slowReadersClosed })
  ws.close(CLOSE_TOO_SLOW, 'too slow')
  let backlog = ws.bufferedAmount
  const check = () => {
    if (ws.readyState === ws.CLOSED) return
    const now = ws.bufferedAmount
    if (now >= backlog) {
      ws.terminate()
      return
    }
    backlog = now
    setTimeout(check, useConfig().realtime.slowCloseGraceMs).unref()
  }
  setTimeout(check, useConfig().realtime.slowCloseGraceMs).unref()
}

export function sendFrame(connection: Connection, frame: ServerFrame, ephemeral = false) {
  sendRaw(connection, JSON.stringify(frame), ephemeral)
}

function deliverToTopic(channel: string, envelope: BusEnvelope, raw: string) {
  const topic = topics.get(channel)
  if (!topic) return
  if (envelope.type === 'control') {
    // Instance-to-instance instruction on a user channel, never forwarded: close one socket (the per-user cap)
    // or, with '*', every socket of that user here (suspension).
    const { close, code, reason } = envelope.data
    const targets = close === '*' ? [...topic.connections] : [connections.get(close)].filter(c => c && topic.connections.has(c))
    for (const target of targets) target!.ws.close(code, reason ?? 'closed')
    return
  }
  const isConversationUpdate = envelope.type === 'conversation:updated'
  const removed = isConversationUpdate && envelope.data.removedUserIds ? new Set(envelope.data.removedUserIds) : undefined
  const added = isConversationUpdate && envelope.data.added && channel.startsWith('user:') ? envelope.data.conversation.id : undefined
  const conversationId = 'conversationId' in envelope ? envelope.conversationId : undefined
  const seq = 'seq' in envelope ? envelope.seq : undefined
  const typingUserId = envelope.type === 'typing' ? envelope.data.userId : undefined
  const ephemeral = EPHEMERAL.has(envelope.type)
  const limits = useConfig().realtime
  // Framed on first use: a topic whose sockets all skip the event (typing to its author only) frames nothing.
  let frame: WireFrame | undefined
  // Only a membership change joins or leaves topics on the way; everything else walks the set as it is.
  for (const connection of isConversationUpdate ? [...topic.connections] : topic.connections) {
    if (added) join(connection, conversationChannel(added), added).catch(() => {})
    if (removed?.has(connection.user.id) && conversationId) {
      // Authorisation at delivery time: the removed participant gets nothing more of this conversation.
      leave(connection, conversationId)
      sendFrame(connection, { type: 'conversation:removed', data: { conversationId } })
      continue
    }
    if (typingUserId && typingUserId === connection.user.id) continue
    if (conversationId && seq) {
      // Live events reach a socket in seq order (the topic's sequencer), so only a replay can have sent one
      // ahead of them; its mark is dropped once live delivery passes it, and most sockets have none to look up.
      const replayed = connection.replayedUpTo.size === 0 ? undefined : connection.replayedUpTo.get(conversationId)
      if (replayed !== undefined) {
        if (seq <= replayed) continue
        connection.replayedUpTo.delete(conversationId)
      }
      const pending = connection.syncing?.get(conversationId)
      if (pending) {
        pending.push({ seq, raw })
        continue
      }
    }
    sendRaw(connection, frame ??= wireFrame(raw), ephemeral, limits)
  }
}

/** What arrives from another process is untrusted: parsed and validated once; garbage is dropped. */
function parseEnvelope(payload: string): BusEnvelope | undefined {
  try {
    const parsed = BusEnvelope.safeParse(JSON.parse(payload))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

function onBusMessage(channel: string, payload: string, decoded?: BusEnvelope) {
  // `decoded` is set only by the in-process bus: our own publisher's object, already typed.
  const envelope = decoded ?? parseEnvelope(payload)
  if (!envelope) return
  const topic = topics.get(channel)
  const seq = 'seq' in envelope ? envelope.seq : undefined
  if (seq && topic?.sequencer) topic.sequencer.push(seq, () => deliverToTopic(channel, envelope, payload))
  else deliverToTopic(channel, envelope, payload)
}

/** Adds a socket to a channel, subscribing the instance to the bus channel on first use. */
export async function join(connection: Connection, channel: string, conversationId?: string): Promise<void> {
  let topic = topics.get(channel)
  if (!topic) {
    topic = {
      connections: new Set(),
      sequencer: conversationId ? createSequencer(conversationId, event => onBusMessage(channel, JSON.stringify(event), event), eventFeedSource) : null,
      unsubscribe: useBus().subscribe(channel, (payload, decoded) => onBusMessage(channel, payload, decoded))
    }
    topics.set(channel, topic)
  }
  if (topic.lingering) {
    clearTimeout(topic.lingering)
    topic.lingering = undefined
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
  if (topic.connections.size > 0 || topic.lingering) return
  // An emptied topic keeps its bus subscription and sequencer for WS_TOPIC_LINGER_MS: the next socket to want
  // it (a reconnect, a reload, the next tab, a client that subscribes and drops conversations as it navigates)
  // then costs no SUBSCRIBE / UNSUBSCRIBE pair and no head read. Reconnect storms are made of exactly that.
  const drop = () => {
    if (topics.get(channel) !== topic || topic.connections.size > 0) return
    topics.delete(channel)
    topic.sequencer?.stop()
    topic.unsubscribe.then(unsubscribe => unsubscribe()).catch(() => {})
  }
  const lingerMs = useConfig().realtime.topicLingerMs
  if (lingerMs === 0) return drop()
  topic.lingering = setTimeout(() => {
    topic.lingering = undefined
    drop()
  }, lingerMs).unref()
}

export function leave(connection: Connection, conversationId: string) {
  connection.conversations.delete(conversationId)
  connection.syncing?.delete(conversationId)
  connection.replayedUpTo.delete(conversationId)
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
