import { Redis } from 'ioredis'
import { useConfig } from '../platform/config'

let client: Redis | undefined

/** The shared command connection when REDIS_URL is set (rate limits, presence); undefined in embedded mode. */
export function getRedis(): Redis | undefined {
  const config = useConfig()
  if (!config.redisUrl) return undefined
  if (client) return client
  client = new Redis(config.redisUrl, {
    keyPrefix: config.redisPrefix,
    // Commands queue while reconnecting instead of failing at once; a Redis restart is survived, not fatal.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
    // Commands of one event-loop turn (a wave of socket openings, a batch's rate checks) share one write.
    enableAutoPipelining: true
  })
  // Once, where the client is made: this function runs for every limiter and store that needs Redis, and a
  // listener per call was the MaxListenersExceededWarning of every run with Redis.
  client.on('error', () => {})
  return client
}

export async function closeRedis(): Promise<void> {
  if (!client) return
  const c = client
  client = undefined
  await c.quit().catch(() => c.disconnect())
}
