import { Redis } from 'ioredis'
import type { Bus } from './bus'
import { createBusHandlers } from './handlers'
import type { BusErrorReporter } from './handlers'
import { useLogger } from '../../platform/logger'

export interface RedisBusOptions {
  url: string
  /** REDIS_PREFIX: ioredis's keyPrefix does not apply to pub/sub channels, so the bus prefixes them itself. */
  prefix: string
  /** CLIENT SETNAME of both connections, so operators (and tests) can find them in CLIENT LIST. */
  connectionName?: string
  onError?: BusErrorReporter
}

interface RemoteState { live: boolean, pending: number, queue: Promise<void> }

/**
 * Redis pub/sub with one subscriber connection per instance. Local handlers are reference-counted per channel:
 * SUBSCRIBE goes out with the first and UNSUBSCRIBE with the last, serialised per channel so a quick
 * subscribe/unsubscribe/subscribe cannot leave Redis out of step. ioredis re-sends SUBSCRIBE for every live
 * channel after a reconnect (autoResubscribe); messages published while disconnected are lost by design.
 */
export function createRedisBus<T = unknown>(options: RedisBusOptions): Bus<T> {
  const channelPrefix = `${options.prefix}bus:`
  const report: BusErrorReporter = options.onError ?? ((error, channel) => {
    useLogger().error('bus subscription change failed', { channel, error })
  })
  const connect = (role: string) => {
    const client = new Redis(options.url, {
      connectionName: `${options.connectionName ?? 'switchboard-bus'}-${role}`,
      autoResubscribe: true,
      // Queued while reconnecting, failed after two attempts: a Redis outage surfaces as an error, not a hang.
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true
    })
    client.on('error', () => {})
    return client
  }
  const sub = connect('sub')
  const pub = connect('pub')
  const handlers = createBusHandlers<T>(options.onError)
  const remote = new Map<string, RemoteState>()
  let closed = false

  sub.on('message', (raw: string, payload: string) => {
    if (!raw.startsWith(channelPrefix)) return
    const channel = raw.slice(channelPrefix.length)
    for (const entry of handlers.entries(channel)) handlers.deliver(channel, entry, payload)
  })

  // Brings Redis in line with the local table for one channel, after any operation already queued for it.
  function reconcile(channel: string): Promise<void> {
    let state = remote.get(channel)
    if (!state) remote.set(channel, state = { live: false, pending: 0, queue: Promise.resolve() })
    const s = state
    s.pending++
    const run = s.queue.then(async () => {
      const wanted = handlers.has(channel)
      if (wanted && !s.live) {
        await sub.subscribe(channelPrefix + channel)
        s.live = true
      } else if (!wanted && s.live) {
        s.live = false
        await sub.unsubscribe(channelPrefix + channel)
      }
    }).finally(() => {
      if (--s.pending === 0 && !s.live && remote.get(channel) === s) remote.delete(channel)
    })
    s.queue = run.catch(() => {})
    return run
  }

  function assertOpen() {
    if (closed) throw new Error('bus is closed')
  }

  return {
    async publish(channel, payload) {
      assertOpen()
      await pub.publish(channelPrefix + channel, payload)
    },
    async subscribe(channel, handler) {
      assertOpen()
      const entry = handlers.add(channel, handler)
      try {
        await reconcile(channel)
      } catch (error) {
        if (handlers.remove(channel, entry)) reconcile(channel).catch(() => {})
        throw error
      }
      let done = false
      return async () => {
        if (done) return
        done = true
        // Delivery stops at once (the entry is gone); a failed UNSUBSCRIBE only leaves an idle Redis subscription.
        if (handlers.remove(channel, entry) && !closed) await reconcile(channel).catch(error => report(error, channel))
      }
    },
    channels: () => handlers.channels(),
    async close() {
      if (closed) return
      closed = true
      handlers.clear()
      await Promise.all([sub, pub].map(c => c.quit().catch(() => c.disconnect())))
    }
  }
}
