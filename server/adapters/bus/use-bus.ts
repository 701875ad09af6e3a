import { useConfig } from '../../platform/config'
import type { Bus } from './bus'
import { createMemoryBus } from './memory'
import { createRedisBus } from './redis'

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
