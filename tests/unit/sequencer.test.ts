import { describe, expect, it } from 'vitest'
import { createSequencer } from '../../server/realtime/sequencer'
import type { SequencerSource } from '../../server/realtime/sequencer'

// The sequencer's ordering rules with a fake event store; the real one is exercised end to end by
// tests/server/realtime.test.ts (5 senders × 100 messages) and the cluster tests.
function setup(head: number, stored: number[] = []) {
  const delivered: number[] = []
  const asked: Array<[number, number]> = []
  const source: SequencerSource<{ seq: number }> = {
    head: async () => head,
    async missing(_id, after, limit) {
      asked.push([after, limit])
      return stored.filter(seq => seq > after).slice(0, limit).map(seq => ({ seq }))
    }
  }
  const sequencer = createSequencer('c', ({ seq }) => {
    sequencer.push(seq, () => delivered.push(seq))
  }, source)
  const push = (seq: number) => sequencer.push(seq, () => delivered.push(seq))
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise(r => setTimeout(r, 10))
  }
  return { sequencer, delivered, asked, push, until }
}

describe('the realtime sequencer', () => {
  it('delivers in seq order whatever order publishes arrive in', async () => {
    const { sequencer, delivered, push } = setup(10)
    await sequencer.ready
    for (const seq of [13, 11, 12, 14]) push(seq)
    expect(delivered).toEqual([11, 12, 13, 14])
    sequencer.stop()
  })

  it('drops duplicates and events at or before the head it started from', async () => {
    const { sequencer, delivered, push } = setup(10)
    await sequencer.ready
    for (const seq of [9, 10, 11, 11, 12, 11]) push(seq)
    expect(delivered).toEqual([11, 12])
    sequencer.stop()
  })

  it('holds events that arrive before it knows the head', () => {
    const { sequencer, delivered, push } = setup(0)
    push(2)
    push(1)
    return sequencer.ready.then(() => {
      expect(delivered).toEqual([1, 2])
      sequencer.stop()
    })
  })

  it('reads a lost event from the store and then delivers what waited behind it', async () => {
    const { sequencer, delivered, asked, push, until } = setup(0, [1, 2, 3])
    await sequencer.ready
    push(1)
    push(3)
    expect(delivered).toEqual([1])
    await until(() => delivered.length === 3)
    expect(delivered).toEqual([1, 2, 3])
    expect(asked).toEqual([[1, 1]])
    sequencer.stop()
  })

  it('skips seqs the store no longer has (pruned) instead of waiting forever', async () => {
    const { sequencer, delivered, push, until } = setup(0, [])
    await sequencer.ready
    push(4)
    await until(() => delivered.length === 1)
    expect(delivered).toEqual([4])
    push(5)
    expect(delivered).toEqual([4, 5])
    sequencer.stop()
  })
})
