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

/** A channel no other instance follows, as its last PUBLISH showed, and what was not sent since. */
interface Quiet { since: number, skipped: Array<{ payload: string, at: number }> }

/** How long a quiet mark holds before a publish goes to Redis again and asks anew. */
const QUIET_TTL_MS = 30_000
/** Skipped publishes re-sent when a follower announces itself: those of this window, at most QUIET_KEEP. */
const QUIET_REPLAY_MS = 2_000
const QUIET_KEEP = 16
/** Quiet channels remembered at most (oldest dropped first): user channels of people offline add up. */
const QUIET_MAX = 50_000

const ORIGIN_BYTES = 8
/** The origin tag: ORIGIN_BYTES in hex and a '|'. */
const ORIGIN_LENGTH = ORIGIN_BYTES * 2 + 1

/**
 * Redis pub/sub with one subscriber connection per instance. Local handlers are reference-counted per channel:
 * SUBSCRIBE goes out with the first and UNSUBSCRIBE with the last, serialised per channel so a quick
 * subscribe/unsubscribe/subscribe cannot leave Redis out of step. ioredis re-sends SUBSCRIBE for every live
 * channel after a reconnect (autoResubscribe); messages published while disconnected are lost by design.
 * An instance's own publishes reach its own handlers without Redis (and so even while Redis is away).
 *
 * Publishing only where another instance listens: PUBLISH answers how many connections received it. When that
 * is this instance alone (or nobody), the channel is marked quiet and its next publishes skip Redis: no write,
 * no reply, no echo to parse, which was a quarter of a lone instance's CPU per message at 10 messages/s per
 * sender. Every instance announces each channel it starts to follow on `<prefix>bus-follow`, and a publisher that
 * had marked it quiet unmarks it and publishes again what it skipped in the last QUIET_REPLAY_MS (a new
 * follower's SUBSCRIBE may have overtaken the announcement; seq'd events it still lacks it reads from the
 * database, see realtime/sequencer.ts). No mark is taken while this instance could miss an announcement
 * (its subscriber away, or an announcement that arrived while the PUBLISH was out), a subscriber that comes
 * back announces '*' (ioredis resubscribes without us), and a mark lapses after QUIET_TTL_MS anyway.
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
  const followChannel = `${options.prefix}bus-follow`
  const quiet = new Map<string, Quiet>()
  /** Announcements received so far: a PUBLISH whose reply came with one in between marks nothing. */
  let announcements = 0
  /** This instance hears announcements: its subscriber is connected and has confirmed followChannel since. */
  let listening = false
  let subscriberWasReady = false

  // Every payload on the wire leads with its publishing instance's tag: this instance delivers its own publishes
  // itself (below), straight from the publisher's object, and skips them when Redis echoes them back.
  const origin = `${randomBytes(ORIGIN_BYTES).toString('hex')}|`
  sub.on('message', (raw: string, tagged: string) => {
    if (raw === followChannel) return onAnnouncement(tagged)
    if (!raw.startsWith(channelPrefix) || tagged.startsWith(origin)) return
    const channel = raw.slice(channelPrefix.length)
    const payload = tagged.charCodeAt(ORIGIN_LENGTH - 1) === 124 ? tagged.slice(ORIGIN_LENGTH) : tagged
    for (const entry of handlers.entries(channel)) handlers.deliver(channel, entry, payload)
  })

  // Quiet marks need every announcement heard: none are taken while the subscriber is away, those taken are
  // dropped when it goes, and when it is back (ioredis resubscribed our channels without announcing them)
  // every instance is told to drop its marks.
  sub.on('close', () => {
    listening = false
    quiet.clear()
  })
  sub.on('ready', () => {
    // Queued behind ioredis's own resubscriptions on this connection: its reply means they are live.
    sub.subscribe(followChannel).then(async () => {
      listening = true
      if (subscriberWasReady) await pub.publish(followChannel, `${origin}*`)
      subscriberWasReady = true
    }).catch(() => {})
  })

  function onAnnouncement(tagged: string) {
    if (tagged.startsWith(origin)) return
    announcements++
    const channel = tagged.slice(ORIGIN_LENGTH)
    if (channel === '*') {
      for (const [name, mark] of quiet) replaySkipped(name, mark)
      quiet.clear()
      return
    }
    const mark = quiet.get(channel)
    if (!mark) return
    quiet.delete(channel)
    replaySkipped(channel, mark)
  }

  function replaySkipped(channel: string, mark: Quiet) {
    const after = Date.now() - QUIET_REPLAY_MS
    for (const { payload, at } of mark.skipped) {
      if (at >= after) pub.publish(channelPrefix + channel, origin + payload).catch(() => {})
    }
  }

  /** Connections of this instance on the channel for Redis's count: 0 or 1, or undefined while it changes. */
  function ownSubscribers(channel: string): number | undefined {
    const state = remote.get(channel)
    if (!state) return 0
    return state.pending === 0 && state.live ? 1 : undefined
  }

  /** True when the publish was skipped because no other instance follows the channel. */
  function skipQuiet(channel: string, payload: string): boolean {
    const mark = quiet.get(channel)
    if (!mark) return false
    const now = Date.now()
    if (now - mark.since > QUIET_TTL_MS) {
      quiet.delete(channel)
      return false
    }
    mark.skipped.push({ payload, at: now })
    if (mark.skipped.length > QUIET_KEEP) mark.skipped.shift()
    return true
  }

  async function publishToRedis(channel: string, payload: string) {
    const heard = announcements
    const ownBefore = ownSubscribers(channel)
    const receivers = await pub.publish(channelPrefix + channel, origin + payload)
    const own = ownSubscribers(channel)
    if (receivers !== own || own !== ownBefore || !listening || heard !== announcements || closed) return
    if (quiet.size >= QUIET_MAX) quiet.delete(quiet.keys().next().value!)
    quiet.set(channel, { since: Date.now(), skipped: [] })
  }

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
        // Publishers that took this channel for quiet start publishing it again (and re-send what they skipped).
        await pub.publish(followChannel, origin + channel)
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
      if (!skipQuiet(channel, payload)) await publishToRedis(channel, payload)
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
      quiet.clear()
      await Promise.all([sub, pub].map(c => c.quit().catch(() => c.disconnect())))
    }
  }
}
