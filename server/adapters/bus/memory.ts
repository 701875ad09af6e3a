import type { Bus } from './bus'
import { createBusHandlers } from './handlers'
import type { BusErrorReporter } from './handlers'

/** The in-process bus of the embedded default: same contract as Redis, delivered on a microtask in publish order. */
export function createMemoryBus<T = unknown>(options: { onError?: BusErrorReporter } = {}): Bus<T> {
  const handlers = createBusHandlers<T>(options.onError)
  let closed = false
  return {
    async publish(channel, payload, decoded) {
      if (closed) throw new Error('bus is closed')
      // Handlers present at publish time receive it, unless they unsubscribe before delivery (as with Redis).
      const targets = handlers.entries(channel)
      queueMicrotask(() => {
        for (const entry of targets) {
          // The publisher's own object travels along: it never left this process, so nobody re-parses it.
          if (handlers.has(channel, entry)) handlers.deliver(channel, entry, payload, decoded)
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
