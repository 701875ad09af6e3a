/**
 * A handler gets the payload text; `decoded` is the publisher's own object when the message never left this
 * process (the in-process bus), so it needs no parsing or validation. It is shared: never mutate it.
 */
export type BusHandler<T = unknown> = (payload: string, decoded?: T) => void | Promise<void>

/**
 * Cross-instance fan-out of opaque string payloads. Delivery is at-most-once and best-effort: the durable
 * record is the events table, so a subscriber that misses a publish (reconnect, restart) catches up with `sync`.
 */
export interface Bus<T = unknown> {
  /** `decoded`: the object `payload` serializes, handed to in-process handlers as is (ignored across processes). */
  publish(channel: string, payload: string, decoded?: T): Promise<void>
  /** Resolves once the channel is live, so a publish after it is seen; returns the (idempotent) unsubscribe. */
  subscribe(channel: string, handler: BusHandler<T>): Promise<() => Promise<void>>
  /** Channels with at least one local handler, for diagnostics. */
  channels(): string[]
  close(): Promise<void>
}
