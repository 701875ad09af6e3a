import { uuidv7 } from 'uuidv7'
import type { WebSocket } from 'ws'
import { ClientFrame } from '../../shared/schemas/ws'
import { usePresence } from '../adapters/presence/use-presence'
import type { AuthUser } from '../domain/auth/users'
import { toPublicUser } from '../domain/auth/users'
import { listParticipationsOf } from '../domain/conversations/conversations'
import { clientPresenceChannel, conversationChannel, teamPresenceChannel, userChannel } from '../domain/events/channels'
import { publishToUsers } from '../domain/events/publish'
import { useConfig } from '../platform/config'
import { useLogger } from '../platform/logger'
import { isApiError, zodIssues } from '../platform/errors'
import { parseClientJson } from '../platform/json'
import { createQuietCompactor, fullGarbageCollection } from '../platform/quiet-compaction'
import { CLOSE_TOO_MANY, connections, connectionsOf, directSocket, join, leaveAll, sendFrame } from './hub'
import type { Connection } from './hub'
import { runOp } from './ops'
import { broadcastPresence } from './presence'

/** Contract §5: frames over 64 KiB close the socket with 1009 before they are buffered whole. */
export const MAX_FRAME_BYTES = 64 * 1024
export const CLOSE_AUTH = 4001

/**
 * A socket joins: enforce the per-user cap (oldest closed with 4008), announce presence, send `ready`,
 * subscribe to the user's channel, their projects' presence and every conversation they take part in.
 */
let opened = 0

export async function openConnection(ws: WebSocket, user: AuthUser, expiresAt: number | null): Promise<Connection> {
  const connection: Connection = {
    id: uuidv7(), user, ws, openedAt: Date.now(), lastActivity: Date.now(), expiresAt,
    status: 'online', conversations: new Set(), channels: new Set(), replayedUpTo: new Map(),
    heartbeatSlot: opened++, socket: directSocket(ws)
  }
  connections.set(connection.id, connection)
  compactAfterWaves().socketOpened()
  // One presence call registers the socket, says whether the user was online already and lists their sockets;
  // the participations are read at the same time (Redis and Postgres in parallel, not one after the other).
  const [presence, { conversationIds, memberships }] = await Promise.all([
    usePresence().connect(user.id, connection.id, 'online').catch(() => undefined),
    listParticipationsOf(user.id)
  ])
  enforceSocketCap(user.id, presence?.connectionIds ?? connectionsOf(user.id).map(c => c.id))
  await Promise.all([
    join(connection, userChannel(user.id)),
    ...memberships.map(m => join(connection, teamPresenceChannel(m.projectId))),
    // Clients' presence only to owners and staff (contract §1: a client sees nothing of the other clients).
    ...memberships.filter(m => m.role !== 'client').map(m => join(connection, clientPresenceChannel(m.projectId))),
    ...conversationIds.map(id => join(connection, conversationChannel(id), id))
  ])
  const heartbeatMs = useConfig().realtime.heartbeatMs
  // Only what a client uses: who it is, not their email (a socket's frames travel further than the account page).
  const { email: _email, ...me } = toPublicUser(user)
  sendFrame(connection, { type: 'ready', data: { user: me, connectionId: connection.id, heartbeatMs } })
  // Announce only changes of the user's overall status: a second tab coming online is not news. This socket
  // was just registered as online, so that is the user's status now.
  if (presence?.before !== 'online') {
    broadcastPresence(user.id, { status: 'online', lastSeenAt: new Date().toISOString() }, memberships).catch(() => {})
  }
  return connection
}

let compactor: ReturnType<typeof createQuietCompactor> | undefined
/** Compaction when a wave of openings is over (server/platform/quiet-compaction.ts says why). Made once. */
function compactAfterWaves() {
  if (compactor) return compactor
  const collect = fullGarbageCollection()
  compactor = createQuietCompactor({
    threshold: collect ? useConfig().realtime.compactAfterSockets : 0,
    quietMs: 1000,
    minIntervalMs: 30_000,
    collect: collect ?? (() => {}),
    onCompacted: ({ openings, pauseMs }) => useLogger().info('heap compacted after a wave of socket openings', { openings, pauseMs, sockets: connections.size })
  })
  return compactor
}

/**
 * At most SOCKETS_PER_USER sockets per user across every instance: connection ids are UUIDv7, so sorting the
 * user's live connections (from the shared presence store, or this instance's if the store is unreachable)
 * finds the oldest; those on other instances are closed through the user's bus channel.
 */
function enforceSocketCap(userId: string, everywhere: string[]) {
  const cap = useConfig().limits.socketsPerUser
  const excess = [...everywhere].sort().slice(0, Math.max(0, everywhere.length - cap))
  for (const id of excess) {
    const local = connections.get(id)
    if (local) local.ws.close(CLOSE_TOO_MANY, 'too many sockets')
    else publishToUsers([userId], { type: 'control', data: { close: id, code: CLOSE_TOO_MANY, reason: 'too many sockets' } })
  }
}

export async function closeConnection(connection: Connection) {
  leaveAll(connection)
  const userId = connection.user.id
  const presence = await usePresence().disconnect(userId, connection.id).catch(() => undefined)
  if (presence && presence.after.status !== presence.before) await broadcastPresence(userId, presence.after).catch(() => {})
}

/** One text frame: parse, validate with the one union, run the op, send exactly one reply if it has an id. */
export async function handleFrame(connection: Connection, text: string) {
  connection.lastActivity = Date.now()
  let json: unknown
  try {
    json = parseClientJson(text)
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
    if (!isApiError(error)) useLogger().error('ws op failed', { op: frame.type, userId: connection.user.id, connectionId: connection.id, error })
    const body = isApiError(error)
      ? { code: error.data.code, message: error.message, ...(error.data.code === 'rate_limited' ? { retryAfterMs: error.data.retryAfterMs } : {}) }
      : { code: 'internal', message: 'Internal server error' }
    if (frame.id) sendFrame(connection, { type: 'reply', id: frame.id, ok: false, error: body })
    else sendFrame(connection, { type: 'error', error: body })
  }
}
