import { uuidv7 } from 'uuidv7'
import type { WebSocket } from 'ws'
import { and, eq, isNull } from 'drizzle-orm'
import { conversationMembers } from '../db/schema'
import { ClientFrame } from '../../shared/schemas/ws'
import type { AuthUser } from './auth'
import { toPublicUser } from './auth'
import { useConfig } from './config'
import { useBus } from './bus'
import { useDb } from './db'
import { isApiError, zodIssues } from './errors'
import { conversationChannel } from './events'
import { usePresenceStore } from './presence'
import { connections, connectionsOf, join, leaveAll, sendFrame } from './realtime-hub'
import type { Connection } from './realtime-hub'
import { runOp } from './realtime-ops'
import { broadcastPresence, listProjectIds, presenceChannel, userChannel } from './realtime-presence'

export const HEARTBEAT_MS = Number(process.env.WS_HEARTBEAT_MS || 25_000)
export const MAX_FRAME_BYTES = 64 * 1024
export const CLOSE_AUTH = 4001
export const CLOSE_TOO_MANY = 4008

/**
 * A socket joins: enforce the per-user cap (oldest closed with 4008), announce presence, send `ready`,
 * subscribe to the user's channel, their projects' presence and every conversation they take part in.
 */
export async function openConnection(ws: WebSocket, user: AuthUser, expiresAt: number | null): Promise<Connection> {
  const connection: Connection = {
    id: uuidv7(), user, ws, openedAt: Date.now(), lastActivity: Date.now(), expiresAt,
    status: 'online', conversations: new Set(), channels: new Set(), syncing: new Map(), delivered: new Map()
  }
  connections.set(connection.id, connection)
  const before = await presenceOf(user.id)
  await usePresenceStore().connect(user.id, connection.id, 'online').catch(() => {})
  await enforceSocketCap(user.id)
  const db = await useDb()
  const [memberships, projectIds] = await Promise.all([
    db.select({ id: conversationMembers.conversationId }).from(conversationMembers)
      .where(and(eq(conversationMembers.userId, user.id), isNull(conversationMembers.leftAt))),
    listProjectIds(user.id)
  ])
  await Promise.all([
    join(connection, userChannel(user.id)),
    ...projectIds.map(id => join(connection, presenceChannel(id))),
    ...memberships.map(m => join(connection, conversationChannel(m.id), m.id))
  ])
  sendFrame(connection, { type: 'ready', data: { user: toPublicUser(user), connectionId: connection.id, heartbeatMs: HEARTBEAT_MS } })
  // Announce only changes of the user's overall status: a second tab coming online is not news.
  if (before !== 'online') broadcastPresence(user.id).catch(() => {})
  return connection
}

/**
 * At most SOCKETS_PER_USER sockets per user across every instance: connection ids are UUIDv7, so sorting the
 * user's live connections (from the shared presence store) finds the oldest; those on other instances are
 * closed through the user's bus channel. Falls back to this instance's sockets if the store is unreachable.
 */
async function enforceSocketCap(userId: string) {
  const cap = useConfig().limits.socketsPerUser
  const everywhere = await usePresenceStore().listConnections(userId).catch(() => connectionsOf(userId).map(c => c.id))
  const excess = everywhere.sort().slice(0, Math.max(0, everywhere.length - cap))
  for (const id of excess) {
    const local = connections.get(id)
    if (local) local.ws.close(CLOSE_TOO_MANY, 'too many sockets')
    else await useBus().publish(userChannel(userId), JSON.stringify({ type: 'control', data: { close: id, code: CLOSE_TOO_MANY } })).catch(() => {})
  }
}

export async function closeConnection(connection: Connection) {
  leaveAll(connection)
  const before = await presenceOf(connection.user.id)
  await usePresenceStore().disconnect(connection.user.id, connection.id).catch(() => {})
  if ((await presenceOf(connection.user.id)) !== before) await broadcastPresence(connection.user.id).catch(() => {})
}

async function presenceOf(userId: string) {
  return (await usePresenceStore().get([userId]).catch(() => ({})) as Record<string, { status: string }>)[userId]?.status
}

/** One text frame: parse, validate with the one union, run the op, send exactly one reply if it has an id. */
export async function handleFrame(connection: Connection, text: string) {
  connection.lastActivity = Date.now()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    sendFrame(connection, { type: 'error', error: { code: 'validation_failed', message: 'Frame is not valid JSON' } })
    return
  }
  const parsed = ClientFrame.safeParse(json)
  if (!parsed.success) {
    const id = typeof (json as { id?: unknown })?.id === 'string' ? (json as { id: string }).id : undefined
    const error = { code: 'validation_failed', message: 'Invalid frame', issues: zodIssues(parsed.error) }
    // A frame with a usable id still gets its one reply; anything else gets an error event.
    sendFrame(connection, id ? { type: 'reply', id, ok: false, error } : { type: 'error', error })
    return
  }
  const frame = parsed.data
  try {
    const data = await runOp(connection, frame)
    if (frame.id) sendFrame(connection, { type: 'reply', id: frame.id, ok: true, data })
  } catch (error) {
    if (!isApiError(error)) console.error('[switchboard] ws op failed', frame.type, error)
    const body = isApiError(error)
      ? { code: error.data.code, message: error.message, ...(error.data.code === 'rate_limited' ? { retryAfterMs: (error.data as { retryAfterMs?: number }).retryAfterMs } : {}) }
      : { code: 'internal', message: 'Internal server error' }
    if (frame.id) sendFrame(connection, { type: 'reply', id: frame.id, ok: false, error: body })
    else sendFrame(connection, { type: 'error', error: body })
  }
}

/** Heartbeat presence so it does not lapse while the socket is healthy. */
export async function touchPresence(connection: Connection) {
  await usePresenceStore().heartbeat(connection.user.id, connection.id).catch(() => {})
}
