import { useConfig } from './config'
import { createMemoryPresence } from './presence-memory'
import { createRedisPresence } from './presence-redis'
import { getRedis } from './redis'

export type ConnectionStatus = 'online' | 'away'
export type PresenceStatus = ConnectionStatus | 'offline'
export interface UserPresence { status: PresenceStatus, lastSeenAt: string | null }

/**
 * Presence as a set of live connections per user, each with an expiry that heartbeats push forward, so the
 * connections of a crashed instance lapse by themselves. A user is online if any connection is online,
 * else away if any is away, else offline; lastSeenAt is the last connect, heartbeat or disconnect.
 */
export interface PresenceStore {
  connect(userId: string, connectionId: string, status: ConnectionStatus): Promise<void>
  /** Extends the connection's expiry; a connection that already lapsed comes back as online. */
  heartbeat(userId: string, connectionId: string): Promise<void>
  setStatus(userId: string, connectionId: string, status: ConnectionStatus): Promise<void>
  disconnect(userId: string, connectionId: string): Promise<void>
  get(userIds: string[]): Promise<Record<string, UserPresence>>
  /** The user's live connection ids on every instance (for the per-user socket cap). */
  listConnections(userId: string): Promise<string[]>
}

/** PRESENCE_TTL_SECONDS (default 60): how long a connection counts without a heartbeat. */
export function readPresenceTtlSeconds(): number {
  const raw = process.env.PRESENCE_TTL_SECONDS
  if (raw === undefined || raw === '') return 60
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`PRESENCE_TTL_SECONDS must be a positive number, got "${raw}"`)
  return value
}

let store: PresenceStore | undefined

/** The process's presence store: Redis (shared by every instance) when REDIS_URL is set, else in-process. */
export function usePresenceStore(): PresenceStore {
  if (store) return store
  const ttlSeconds = readPresenceTtlSeconds()
  const redis = useConfig().redisUrl ? getRedis() : undefined
  store = redis ? createRedisPresence({ redis, ttlSeconds }) : createMemoryPresence({ ttlSeconds })
  return store
}
