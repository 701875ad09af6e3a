import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createQuietCompactor, fullGarbageCollection } from '../../server/platform/quiet-compaction'

// One full collection once a wave of socket openings is over (server/platform/quiet-compaction.ts).
describe('quiet compaction after a wave of socket openings', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const compactor = (threshold = 3) => {
    const collect = vi.fn()
    const compacted: Array<{ openings: number }> = []
    const c = createQuietCompactor({ threshold, quietMs: 1000, minIntervalMs: 30_000, collect, now: () => Date.now(), onCompacted: info => compacted.push(info) })
    return { c, collect, compacted }
  }

  it('collects once, a quiet period after the last opening of a wave past the threshold', () => {
    const { c, collect, compacted } = compactor()
    for (let i = 0; i < 5; i++) {
      c.socketOpened()
      vi.advanceTimersByTime(500)
    }
    // Openings every 500 ms: never a quiet second, so nothing yet.
    expect(collect).not.toHaveBeenCalled()
    vi.advanceTimersByTime(500)
    vi.runAllTimers()
    // Three passes, one per turn of the event loop, reported once.
    expect(collect).toHaveBeenCalledTimes(3)
    expect(compacted).toHaveLength(1)
    expect(compacted[0]!.openings).toBe(5)
    expect(c.pendingOpenings).toBe(0)
    vi.advanceTimersByTime(60_000)
    expect(collect).toHaveBeenCalledTimes(3)
  })

  it('does nothing below the threshold, and nothing at all when off', () => {
    const below = compactor(3)
    below.c.socketOpened()
    below.c.socketOpened()
    vi.advanceTimersByTime(10_000)
    expect(below.collect).not.toHaveBeenCalled()
    const off = compactor(0)
    for (let i = 0; i < 10; i++) off.c.socketOpened()
    vi.advanceTimersByTime(10_000)
    expect(off.collect).not.toHaveBeenCalled()
  })

  it('keeps waves apart by the minimum interval', () => {
    const { c, collect } = compactor(2)
    c.socketOpened()
    c.socketOpened()
    vi.advanceTimersByTime(1000)
    vi.runAllTimers()
    expect(collect).toHaveBeenCalledTimes(3)
    c.socketOpened()
    c.socketOpened()
    vi.advanceTimersByTime(5000)
    expect(collect).toHaveBeenCalledTimes(3)
    vi.advanceTimersByTime(25_000)
    vi.runAllTimers()
    expect(collect).toHaveBeenCalledTimes(6)
  })
})

describe('fullGarbageCollection', () => {
  it('returns V8 full collection, which frees an unreachable object', async () => {
    const collect = fullGarbageCollection()
    expect(collect).toBeTypeOf('function')
    let target: object | undefined = { big: new Array(1000).fill(1) }
    const ref = new WeakRef(target)
    target = undefined
    // WeakRef targets stay alive until the current job ends: collect after it.
    await new Promise(resolve => setImmediate(resolve))
    collect!()
    expect(ref.deref()).toBeUndefined()
  })
})
