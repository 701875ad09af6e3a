import { useConfig } from './config'
import { createMemoryBus } from './bus-memory'
import { createRedisBus } from './bus-redis'

export type BusHandler = (payload: string) => void | Promise<void>

/**
 * Cross-instance fan-out of opaque string payloads. Delivery is at-most-once and best-effort: the durable
 * record is the events table, so a subscriber that misses a publish (reconnect, restart) catches up with `sync`.
 */
export interface Bus {
  publish(channel: string, payload: string): Promise<void>
  /** Resolves once the channel is live, so a publish after it is seen; returns the (idempotent) unsubscribe. */
  subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>>
  /** Channels with at least one local handler, for diagnostics. */
  channels(): string[]
  close(): Promise<void>
}

let bus: Bus | undefined

/** The process's bus: Redis pub/sub when REDIS_URL is set, otherwise in-process (a single instance). */
export function useBus(): Bus {
  if (bus) return bus
  const config = useConfig()
  bus = config.redisUrl
    ? createRedisBus({ url: config.redisUrl, prefix: config.redisPrefix })
    : createMemoryBus()
  return bus
}

export async function closeBus(): Promise<void> {
  const current = bus
  bus = undefined
  await current?.close()
}
