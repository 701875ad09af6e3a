/** What the outbox does after a refused or failed send, from a contract §2 error code and its data. */
export type SendOutcome
  = | { kind: 'wait', ms: number }
    | { kind: 'retry' }
    | { kind: 'failed', text: string }

// Refusals that the same request will meet again: stop and explain them instead of retrying.
const REASONS: Record<string, string> = {
  conversation_locked: 'this conversation is locked',
  forbidden: 'you are not allowed to post here',
  not_found: 'this conversation no longer exists',
  undeliverable: 'it could not be delivered to this person',
  suspended: 'your account is suspended',
  payload_too_large: 'it is too long',
  unsupported_media_type: 'an attachment type is not allowed',
  unauthorized: 'you are signed out'
}

// When the server gives no wait (it always should), a rate-limited send still holds off a little.
const DEFAULT_WAIT_MS = 5_000

export function sendOutcome(code: string, message = '', data: Record<string, unknown> = {}): SendOutcome {
  if (code === 'rate_limited') {
    const ms = Number(data.retryAfterMs)
    return { kind: 'wait', ms: Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_WAIT_MS }
  }
  if (code === 'validation_failed') {
    const tooLong = /too long|too big|at most|<=/i.test(message + JSON.stringify(data.issues ?? ''))
    return { kind: 'failed', text: tooLong ? 'it is too long' : `the server refused it (${message || 'invalid message'})` }
  }
  const reason = REASONS[code]
  return reason ? { kind: 'failed', text: reason } : { kind: 'retry' }
}

/** The pending message's line while the outbox waits out a rate limit; rounded up, so "0 s" never shows. */
export function rateLimitedText(msLeft: number): string {
  return `Sending in ${Math.max(1, Math.ceil(msLeft / 1000))} s — slow down`
}
