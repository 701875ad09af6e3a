import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * A full garbage collection once an instance goes quiet after a wave of socket openings (a deploy, a network
 * blip, a morning). Each opening's transient state (query results, frames, promises) is alive for the tens of
 * milliseconds the opening takes, so when many open at once the young-generation collector promotes most of it
 * to the old generation. V8 collects the old generation only when it grows further, and an idle chat server does
 * not grow: 5,000 openings left 8 KB of live heap per socket but 16 KB of old space each, RSS included
 * (docs/performance.md, "A socket's cost"). V8's own memory reducer does what is done here (up to three full
 * collections, which compact the pages the wave fragmented; one alone frees the objects but returns almost no
 * pages), but only seconds after some later full collection, which an idle server never triggers.
 * It runs only after `threshold` openings since the last one, only once no socket opened for `quietMs`, and at
 * most once per `minIntervalMs`: a steady trickle of reconnects never pays a full collection per socket.
 */
export interface QuietCompactorOptions {
  /** Openings since the last compaction that make the next quiet moment worth one (0: never). */
  threshold: number
  quietMs: number
  minIntervalMs: number
  /** Full collections per compaction, each in its own turn of the event loop (one pause at a time). */
  passes?: number
  collect: () => void
  now?: () => number
  onCompacted?: (info: { openings: number, pauseMs: number }) => void
}

export function createQuietCompactor(options: QuietCompactorOptions) {
  const now = options.now ?? Date.now
  let openings = 0
  let lastOpening = 0
  let lastCompaction = -Infinity
  let timer: NodeJS.Timeout | undefined

  const arm = (delayMs: number) => {
    timer = setTimeout(check, Math.max(1, delayMs))
    timer.unref()
  }
  function check() {
    timer = undefined
    const t = now()
    // A timer per instance, re-armed for what is left of the quiet period or of the minimum interval.
    const wait = Math.max(options.quietMs - (t - lastOpening), options.minIntervalMs - (t - lastCompaction))
    if (wait > 0) return arm(wait)
    const passes = options.passes ?? 3
    const compacted = openings
    let pauseMs = 0
    let done = 0
    lastCompaction = t
    openings = 0
    const pass = () => {
      const started = now()
      options.collect()
      pauseMs += now() - started
      if (++done < passes) return void setImmediate(pass)
      options.onCompacted?.({ openings: compacted, pauseMs })
    }
    pass()
  }

  return {
    socketOpened() {
      if (options.threshold === 0) return
      openings++
      lastOpening = now()
      if (openings >= options.threshold && !timer) arm(options.quietMs)
    },
    get pendingOpenings() {
      return openings
    }
  }
}

let fullCollection: (() => void) | null | undefined

/**
 * V8's full collection, exposed at run time the way test runners' leak detectors do it; null where the runtime
 * refuses (then compaction is simply off).
 */
export function fullGarbageCollection(): (() => void) | null {
  if (fullCollection !== undefined) return fullCollection
  try {
    const existing = (globalThis as { gc?: () => void }).gc
    if (typeof existing === 'function') return (fullCollection = existing)
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as unknown
    fullCollection = typeof gc === 'function' ? gc as () => void : null
  } catch {
    fullCollection = null
  }
  return fullCollection
}
