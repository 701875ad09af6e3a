import type { BusHandler } from './bus'
import { useLogger } from '../../platform/logger'

interface Entry<T> { handler: BusHandler<T> }

export type BusErrorReporter = (error: unknown, channel: string) => void

const reportToLog: BusErrorReporter = (error, channel) => {
  useLogger().error('bus handler failed', { channel, error })
}

/**
 * The local handler table both buses share: one entry per subscribe call (the same function subscribed twice
 * is two entries), so reference counts are exact. A failing handler is reported and never reaches its siblings.
 */
export function createBusHandlers<T>(onError: BusErrorReporter = reportToLog) {
  const table = new Map<string, Set<Entry<T>>>()
  return {
    add(channel: string, handler: BusHandler<T>): Entry<T> {
      const entry = { handler }
      let set = table.get(channel)
      if (!set) table.set(channel, set = new Set())
      set.add(entry)
      return entry
    },
    /** Removes the entry; true when it was the channel's last one. */
    remove(channel: string, entry: Entry<T>): boolean {
      const set = table.get(channel)
      if (!set?.delete(entry)) return false
      if (set.size > 0) return false
      table.delete(channel)
      return true
    },
    has(channel: string, entry?: Entry<T>): boolean {
      const set = table.get(channel)
      return entry ? Boolean(set?.has(entry)) : Boolean(set?.size)
    },
    entries(channel: string): Entry<T>[] {
      return [...(table.get(channel) ?? [])]
    },
    channels: () => [...table.keys()],
    deliver(channel: string, entry: Entry<T>, payload: string, decoded?: T) {
      try {
        const result = entry.handler(payload, decoded)
        // An async handler's rejection would otherwise be an unhandled rejection, which ends a Node process.
        if (result && typeof result.then === 'function') result.then(undefined, error => onError(error, channel))
      } catch (error) {
        onError(error, channel)
      }
    },
    clear: () => table.clear()
  }
}
