import { randomBytes } from 'node:crypto'
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

const ORIGIN_BYTES = 8
/** The origin tag: ORIGIN_BYTES in hex and a '|'. */
const ORIGIN_LENGTH = ORIGIN_BYTES * 2 + 1

/**
 * Redis pub/sub with one subscriber connection per instance. Local handlers are reference-counted per channel:
 * SUBSCRIBE goes out with the first and UNSUBSCRIBE with the last, serialised per channel so a quick
 * subscribe/unsubscribe/subscribe cannot leave Redis out of step. ioredis re-sends SUBSCRIBE for every live
 * channel after a reconnect (autoResubscribe); messages published while disconnected are lost by design.
 * An instance's own publishes reach its own handlers without Redis (and so even while Redis is away).
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
      enableOfflineQueue: true,
      // The publishes of one event-loop turn (a send batch's events) go out in one write, not one each: one
      // write per publish was a third of the server's CPU at 3,000 sends/s.
      enableAutoPipelining: role === 'pub'
    })
    client.on('error', () => {})
    return client
  }
  const sub = connect('sub')
  const pub = connect('pub')
  const handlers = createBusHandlers<T>(options.onError)
  const remote = new Map<string, RemoteState>()
  let closed = false

  // Every payload on the wire leads with its publishing instance's tag: this instance delivers its own publishes
  // itself (below), straight from the publisher's object, and skips them when Redis echoes them back.
  const origin = `${randomBytes(ORIGIN_BYTES).toString('hex')}|`
  sub.on('message', (raw: string, tagged: string) => {
    if (!raw.startsWith(channelPrefix) || tagged.startsWith(origin)) return
    const channel = raw.slice(channelPrefix.length)
    const payload = tagged.charCodeAt(ORIGIN_LENGTH - 1) === 124 ? tagged.slice(ORIGIN_LENGTH) : tagged
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
    async publish(channel, payload, decoded) {
      assertOpen()
      // Local handlers first, as the in-process bus does: this instance's sockets wait for no round trip, and
      // nothing here parses or validates an event it has just built. Other instances get it through Redis.
      const targets = handlers.entries(channel)
      if (targets.length) {
        queueMicrotask(() => {
          for (const entry of targets) if (handlers.has(channel, entry)) handlers.deliver(channel, entry, payload, decoded)
        })
      }
      await pub.publish(channelPrefix + channel, origin + payload)
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
