import { useConfig } from '../../platform/config'
import { getRedis } from '../redis-connection'
import { createMemoryPresence } from './memory'
import type { PresenceStore } from './presence'
import { createRedisPresence } from './redis'

let store: PresenceStore | undefined

/** The process's presence store: Redis (shared by every instance) when REDIS_URL is set, else in-process. */
export function usePresence(): PresenceStore {
  if (store) return store
  const ttlSeconds = useConfig().presenceTtlSeconds
  const redis = getRedis()
  store = redis ? createRedisPresence({ redis, ttlSeconds }) : createMemoryPresence({ ttlSeconds })
  return store
}
