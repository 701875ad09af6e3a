import { describe, expect, it } from 'vitest'
import type { Message } from '../../shared/types'
import { historyWindow, noteChange, replayCursor } from '../../app/utils/history-window'

const msg = (seq: number): Message => ({
  id: `m${seq}`, conversationId: 'c', seq, senderId: 'u', clientId: `k${seq}`, type: 'text', content: `#${seq}`, replyToId: null,
  files: [], reactions: [], mentions: [], createdAt: '2026-12-01T10:00:00Z', editedAt: null, deletedAt: null
})
const history = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i))
const seqs = (messages: Message[]) => messages.map(m => m.seq)

describe('historyWindow', () => {
  it('keeps the newest messages up to the limit and trims everything below the oldest one kept', () => {
    const w = historyWindow(history(1, 10), 'all', { hasMore: false, limit: 4 })
    expect(seqs(w.put)).toEqual([7, 8, 9, 10])
    expect(w.floor).toBe(7)
    expect(w.replace).toBe(true)
  })

  it('says older messages exist once the window trims some, whatever the server said', () => {
    expect(historyWindow(history(1, 10), 'all', { hasMore: false, limit: 4 }).hasMore).toBe(true)
    expect(historyWindow(history(1, 3), 'all', { hasMore: false, limit: 4 }).hasMore).toBe(false)
    expect(historyWindow(history(5, 7), 'all', { hasMore: true, limit: 4 }).hasMore).toBe(true)
  })

  it('writes only the changed messages that are inside the window', () => {
    const w = historyWindow(history(1, 10), new Set([2, 9, 10]), { hasMore: false, limit: 4 })
    expect(seqs(w.put)).toEqual([9, 10])
    expect(w.replace).toBe(false)
    expect(w.floor).toBe(7)
  })

  it('writes an emptied history as a replacement with nothing in it', () => {
    const w = historyWindow([], 'all', { hasMore: false })
    expect(w).toMatchObject({ replace: true, put: [], floor: 0, cursor: 0, hasMore: false })
  })
})

describe('replayCursor', () => {
  it('resumes from the newest cached message when every event up to it was applied', () => {
    expect(replayCursor(10, 12)).toBe(10)
    expect(replayCursor(10)).toBe(10)
  })

  it('resumes below our own acknowledged send when events ahead of it have not arrived yet', () => {
    expect(replayCursor(10, 8)).toBe(8)
  })
})

describe('noteChange', () => {
  it('gathers single messages per conversation and lets a reload win over them', () => {
    const pending = new Map<string, Set<number> | 'all'>()
    noteChange(pending, 'a', 3)
    noteChange(pending, 'a', 4)
    noteChange(pending, 'b', 1)
    expect(pending.get('a')).toEqual(new Set([3, 4]))
    noteChange(pending, 'a', null)
    noteChange(pending, 'a', 5)
    expect(pending.get('a')).toBe('all')
    expect(pending.get('b')).toEqual(new Set([1]))
  })
})
