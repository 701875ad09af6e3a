import type { PersistedEvent } from '../../shared/schemas/events'
import { listConversationHeads, loadEventsForFanout } from '../domain/events/feed'
import { useConfig } from '../platform/config'

/** Where a sequencer reads the head seq and missed events: the domain's event feed, or a fake in unit tests. */
export interface SequencerSource<E extends { seq: number } = PersistedEvent> {
  head(conversationId: string): Promise<number>
  missing(conversationId: string, after: number, limit: number): Promise<E[]>
}

/** The real source: the conversation's head and stored events from the domain. */
export const eventFeedSource: SequencerSource = {
  head: async conversationId => (await listConversationHeads([conversationId]))[conversationId] ?? 0,
  missing: loadEventsForFanout
}

export interface Sequencer {
  ready: Promise<void>
  push(seq: number, deliver: () => void): void
  stop(): void
}

/**
 * Delivers a conversation's events to this instance's sockets in seq order, exactly once. Publishes from
 * concurrent commits (or other instances) can arrive out of order or not at all: a later seq waits briefly,
 * then the missing ones are read from conversation_events and re-enter through `refetched`.
 */
export function createSequencer<E extends { seq: number }>(conversationId: string, refetched: (event: E) => void, source: SequencerSource<E>): Sequencer {
  const gapWaitMs = useConfig().realtime.gapWaitMs
  let next = 0
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const waiting = new Map<number, () => void>()
  const early: Array<[number, () => void]> = []

  const ready = (async () => {
    next = (await source.head(conversationId)) + 1
    for (const [seq, deliver] of early.splice(0)) push(seq, deliver)
  })()

  function drain() {
    for (let deliver = waiting.get(next); deliver; deliver = waiting.get(next)) {
      waiting.delete(next)
      next++
      deliver()
    }
    if (waiting.size === 0 && timer) {
      clearTimeout(timer)
      timer = undefined
    }
  }

  async function fillGap() {
    timer = undefined
    if (stopped || waiting.size === 0) return
    const firstWaiting = Math.min(...waiting.keys())
    const missing = await source.missing(conversationId, next - 1, firstWaiting - next).catch(() => [])
    if (stopped) return
    for (const event of missing) refetched(event)
    // Pruned or never written: nothing more can arrive for those seqs, so move on.
    if (waiting.size && next < firstWaiting && !missing.some(e => e.seq === next)) next = firstWaiting
    drain()
    if (waiting.size && !timer) timer = setTimeout(fillGap, gapWaitMs)
  }

  function push(seq: number, deliver: () => void) {
    if (stopped) return
    if (next === 0) {
      early.push([seq, deliver])
      return
    }
    if (seq < next || waiting.has(seq)) return
    waiting.set(seq, deliver)
    drain()
    if (waiting.size && !timer) timer = setTimeout(fillGap, gapWaitMs)
  }

  return {
    ready,
    push,
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      waiting.clear()
    }
  }
}
