import { describe, expect, it } from 'vitest'
import type { Message } from '../../shared/types'
import { groupMessages } from '../../app/utils/message-groups'

let seq = 0
function msg(senderId: string, createdAt: string, extra: Partial<Message> = {}): Message {
  seq += 1
  return {
    id: `m${seq}`, conversationId: 'c', seq, senderId, clientId: `k${seq}`, type: 'text', content: 'x', replyToId: null,
    files: [], reactions: [], mentions: [], createdAt, editedAt: null, deletedAt: null, ...extra
  }
}
const flags = (messages: Message[], timeZone = 'UTC') =>
  groupMessages(messages, timeZone).map(r => `${r.startsDay ? 'D' : ''}${r.startsGroup ? 'G' : '-'}`)

describe('groupMessages', () => {
  it('groups consecutive messages by one sender within five minutes', () => {
    expect(flags([
      msg('ana', '2026-12-01T10:00:00Z'),
      msg('ana', '2026-12-01T10:04:59Z'),
      msg('ana', '2026-12-01T10:09:00Z'),
      msg('bob', '2026-12-01T10:09:30Z'),
      msg('ana', '2026-12-01T10:10:00Z'),
      msg('ana', '2026-12-01T10:16:00Z')
    ])).toEqual(['DG', '-', '-', 'G', 'G', 'G'])
  })

  it('starts a new group at a reply, a deleted message, the message after it, and a system message', () => {
    expect(flags([
      msg('ana', '2026-12-01T10:00:00Z'),
      msg('ana', '2026-12-01T10:01:00Z', { replyToId: 'm1' }),
      msg('ana', '2026-12-01T10:02:00Z', { deletedAt: '2026-12-01T10:03:00Z' }),
      msg('ana', '2026-12-01T10:03:00Z'),
      msg('ana', '2026-12-01T10:04:00Z', { type: 'system' })
    ])).toEqual(['DG', 'G', 'G', 'G', 'G'])
  })

  it('breaks groups and marks a new day at midnight in the viewer\'s zone', () => {
    const messages = [msg('ana', '2026-12-01T04:58:00Z'), msg('ana', '2026-12-01T05:01:00Z')]
    expect(flags(messages, 'UTC')).toEqual(['DG', '-'])
    // Midnight in New York is 05:00 UTC.
    expect(flags(messages, 'America/New_York')).toEqual(['DG', 'DG'])
  })
})
