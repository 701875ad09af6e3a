import { describe, expect, it } from 'vitest'
import { rateLimitedText, sendOutcome } from '../../app/utils/send-failures'

describe('what the outbox does after a failed send', () => {
  it('waits exactly the server\'s retryAfterMs when rate-limited', () => {
    expect(sendOutcome('rate_limited', 'Too many requests, slow down', { retryAfterMs: 19_250 })).toEqual({ kind: 'wait', ms: 19_250 })
  })

  it('still holds off when a rate-limited reply carries no usable wait', () => {
    expect(sendOutcome('rate_limited', '', {})).toEqual({ kind: 'wait', ms: 5_000 })
    expect(sendOutcome('rate_limited', '', { retryAfterMs: -1 })).toEqual({ kind: 'wait', ms: 5_000 })
  })

  it('explains refusals that a retry would meet again, in words', () => {
    expect(sendOutcome('conversation_locked', 'Conversation is locked')).toEqual({ kind: 'failed', text: 'this conversation is locked' })
    expect(sendOutcome('forbidden', 'x')).toEqual({ kind: 'failed', text: 'you are not allowed to post here' })
    expect(sendOutcome('undeliverable', 'Message could not be delivered.')).toEqual({ kind: 'failed', text: 'it could not be delivered to this person' })
    expect(sendOutcome('validation_failed', 'Validation failed', { issues: [{ path: 'content', message: 'Too big: expected string to have <=4000 characters' }] }))
      .toEqual({ kind: 'failed', text: 'it is too long' })
    expect(sendOutcome('validation_failed', 'Body is not valid JSON')).toEqual({ kind: 'failed', text: 'the server refused it (Body is not valid JSON)' })
  })

  it('retries on its own schedule after connection trouble or a server error', () => {
    for (const code of ['timeout', 'disconnected', 'network_error', 'internal', 'unknown']) expect(sendOutcome(code)).toEqual({ kind: 'retry' })
  })

  it('counts the wait down in whole seconds, never showing 0', () => {
    expect(rateLimitedText(19_000)).toBe('Sending in 19 s — slow down')
    expect(rateLimitedText(18_001)).toBe('Sending in 19 s — slow down')
    expect(rateLimitedText(200)).toBe('Sending in 1 s — slow down')
    expect(rateLimitedText(0)).toBe('Sending in 1 s — slow down')
  })
})
