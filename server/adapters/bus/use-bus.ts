import { useConfig } from '../../platform/config'
import type { BusEnvelope } from '../../../shared/schemas/events'
import type { Bus } from './bus'
import { createMemoryBus } from './memory'
import { createRedisBus } from './redis'

// Typed with the envelope union, so the in-process fast path hands over objects the hub can use as they are.
let bus: Bus<BusEnvelope> | undefined

/** The process's bus: Redis pub/sub when REDIS_URL is set, otherwise in-process (a single instance). */
export function useBus(): Bus<BusEnvelope> {
  if (bus) return bus
  const config = useConfig()
  bus = config.redisUrl
    ? createRedisBus<BusEnvelope>({ url: config.redisUrl, prefix: config.redisPrefix })
    : createMemoryBus<BusEnvelope>()
  return bus
}

export async function closeBus(): Promise<void> {
  const current = bus
  bus = undefined
  await current?.close()
}
