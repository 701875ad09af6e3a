import type { Bus, BusHandler } from './bus'

interface Entry { handler: BusHandler }

export type BusErrorReporter = (error: unknown, channel: string) => void

const reportToConsole: BusErrorReporter = (error, channel) => {
  console.error(`[switchboard] bus handler for "${channel}" failed:`, error)
}

/**
 * The local handler table both buses share: one entry per subscribe call (the same function subscribed twice
 * is two entries), so reference counts are exact. A failing handler is reported and never reaches its siblings.
 */
export function createBusHandlers(onError: BusErrorReporter = reportToConsole) {
  const table = new Map<string, Set<Entry>>()
  return {
    add(channel: string, handler: BusHandler): Entry {
      const entry = { handler }
      let set = table.get(channel)
      if (!set) table.set(channel, set = new Set())
      set.add(entry)
      return entry
    },
    /** Removes the entry; true when it was the channel's last one. */
    remove(channel: string, entry: Entry): boolean {
      const set = table.get(channel)
      if (!set?.delete(entry)) return false
      if (set.size > 0) return false
      table.delete(channel)
      return true
    },
    has(channel: string, entry?: Entry): boolean {
      const set = table.get(channel)
      return entry ? Boolean(set?.has(entry)) : Boolean(set?.size)
    },
    entries(channel: string): Entry[] {
      return [...(table.get(channel) ?? [])]
    },
    channels: () => [...table.keys()],
    deliver(channel: string, entry: Entry, payload: string) {
      try {
        const result = entry.handler(payload)
        // An async handler's rejection would otherwise be an unhandled rejection, which ends a Node process.
        if (result && typeof result.then === 'function') result.then(undefined, error => onError(error, channel))
      } catch (error) {
        onError(error, channel)
      }
    },
    clear: () => table.clear()
  }
}

/** The in-process bus of the embedded default: same contract as Redis, delivered on a microtask in publish order. */
export function createMemoryBus(options: { onError?: BusErrorReporter } = {}): Bus {
  const handlers = createBusHandlers(options.onError)
  let closed = false
  return {
    async publish(channel, payload) {
      if (closed) throw new Error('bus is closed')
      // Handlers present at publish time receive it, unless they unsubscribe before delivery (as with Redis).
      const targets = handlers.entries(channel)
      queueMicrotask(() => {
        for (const entry of targets) {
          if (handlers.has(channel, entry)) handlers.deliver(channel, entry, payload)
        }
      })
    },
    async subscribe(channel, handler) {
      if (closed) throw new Error('bus is closed')
      const entry = handlers.add(channel, handler)
      return async () => {
        handlers.remove(channel, entry)
      }
    },
    channels: () => handlers.channels(),
    async close() {
      closed = true
      handlers.clear()
    }
  }
}
