export type ConnectionStatus = 'online' | 'away'
export type PresenceStatus = ConnectionStatus | 'offline'
export interface UserPresence { status: PresenceStatus, lastSeenAt: string | null }

/**
 * Presence as a set of live connections per user, each with an expiry that heartbeats push forward, so the
 * connections of a crashed instance lapse by themselves. A user is online if any connection is online,
 * else away if any is away, else offline; lastSeenAt is the last connect, heartbeat or disconnect.
 */
export interface PresenceStore {
  /**
   * Registers a connection and answers, in the same call, what a socket opening needs next: the user's status
   * just before (a second tab coming online is not news) and their live connection ids now (the socket cap).
   */
  connect(userId: string, connectionId: string, status: ConnectionStatus): Promise<{ before: PresenceStatus, connectionIds: string[] }>
  /**
   * Extends the expiry of many connections in one call (an instance beats for all its sockets at once); a
   * connection that already lapsed comes back as online.
   */
  heartbeat(connections: ReadonlyArray<{ userId: string, connectionId: string }>): Promise<void>
  setStatus(userId: string, connectionId: string, status: ConnectionStatus): Promise<void>
  /** Drops a connection and answers the user's status just before and their presence after, in one call. */
  disconnect(userId: string, connectionId: string): Promise<{ before: PresenceStatus, after: UserPresence }>
  get(userIds: string[]): Promise<Record<string, UserPresence>>
  /** The user's live connection ids on every instance (for the per-user socket cap). */
  listConnections(userId: string): Promise<string[]>
}
