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
