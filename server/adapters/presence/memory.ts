import type { ConnectionStatus, PresenceStatus, PresenceStore, UserPresence } from './presence'

interface UserEntry { conns: Map<string, { status: ConnectionStatus, expiresAt: number }>, seenAt: number | null }

/** Online if any live connection is online, else away if any is away, else offline. */
function aggregate(e: UserEntry | undefined, now: number): PresenceStatus {
  let status: PresenceStatus = 'offline'
  for (const conn of e?.conns.values() ?? []) {
    if (conn.expiresAt <= now) continue
    if (conn.status === 'online') return 'online'
    status = 'away'
  }
  return status
}

/** In-process presence for the single-instance default; same rules as the Redis store. */
export function createMemoryPresence(options: { ttlSeconds: number }): PresenceStore {
  const ttlMs = options.ttlSeconds * 1000
  const users = new Map<string, UserEntry>()

  function entry(userId: string, now: number): UserEntry {
    let e = users.get(userId)
    if (!e) users.set(userId, e = { conns: new Map(), seenAt: null })
    for (const [id, conn] of e.conns) if (conn.expiresAt <= now) e.conns.delete(id)
    return e
  }

  function touch(userId: string, connectionId: string, status?: ConnectionStatus) {
    const now = Date.now()
    const known = users.get(userId)?.conns.get(connectionId)?.status
    const e = entry(userId, now)
    e.conns.set(connectionId, { status: status ?? known ?? 'online', expiresAt: now + ttlMs })
    e.seenAt = now
  }

  return {
    async connect(userId, connectionId, status) {
      const before = aggregate(users.get(userId), Date.now())
      touch(userId, connectionId, status)
      return { before, connectionIds: [...users.get(userId)!.conns.keys()] }
    },
    async heartbeat(connections) {
      for (const { userId, connectionId } of connections) touch(userId, connectionId)
    },
    async setStatus(userId, connectionId, status) {
      touch(userId, connectionId, status)
    },
    async disconnect(userId, connectionId) {
      const now = Date.now()
      const e = entry(userId, now)
      const before = aggregate(e, now)
      e.conns.delete(connectionId)
      e.seenAt = now
      return { before, after: { status: aggregate(e, now), lastSeenAt: new Date(now).toISOString() } }
    },
    async listConnections(userId) {
      return [...entry(userId, Date.now()).conns.keys()]
    },
    async get(userIds) {
      const now = Date.now()
      const result: Record<string, UserPresence> = {}
      for (const userId of userIds) {
        const e = users.get(userId)
        result[userId] = { status: aggregate(e, now), lastSeenAt: e?.seenAt ? new Date(e.seenAt).toISOString() : null }
      }
      return result
    }
  }
}
