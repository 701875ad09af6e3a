import { describe, expect, it } from 'vitest'
import { ServerFrame } from '../../shared/schemas/events'

describe('the ready frame (issue 14: only what a client uses)', () => {
  const user = { id: '0190d7a4-3c1e-7cc2-9a6f-2f6f1f7e9b10', handle: 'carl', displayName: 'Carl', avatarUrl: null, role: 'member' }

  it('parses without an email, as the server sends it', () => {
    const frame = { type: 'ready', data: { user, connectionId: 'c1', heartbeatMs: 25_000 } }
    expect(ServerFrame.safeParse(frame).success).toBe(true)
  })

  it('still refuses a ready frame that does not say who the user is', () => {
    const frame = { type: 'ready', data: { user: { displayName: 'Carl' }, connectionId: 'c1', heartbeatMs: 25_000 } }
    expect(ServerFrame.safeParse(frame).success).toBe(false)
  })
})
