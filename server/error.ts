import type { NitroErrorHandler } from 'nitropack'
import { send, setResponseHeader, setResponseStatus } from 'h3'
import { isDatabaseUnavailable } from './adapters/database/errors'
import { useRequestLogger } from './utils/logging'

/**
 * Every error leaves as the contract's JSON shape (§2). Anything that is not an error we raised on purpose
 * (a driver error, a bug) is logged here and answered with a neutral 500: no stack, no SQL.
 */
export default <NitroErrorHandler> function (error, event) {
  const known = typeof error.data === 'object' && error.data !== null && typeof (error.data as { code?: unknown }).code === 'string'
  let statusCode = error.statusCode || 500
  let body: { statusCode: number, message: string, data: Record<string, unknown> }
  if (known) {
    body = { statusCode, message: error.message, data: error.data as Record<string, unknown> }
  } else if (statusCode === 404) {
    body = { statusCode, message: 'Not found', data: { code: 'not_found' } }
  } else if (statusCode === 405) {
    body = { statusCode, message: 'Method not allowed', data: { code: 'not_found' } }
  } else if (statusCode >= 400 && statusCode < 500) {
    body = { statusCode, message: 'Bad request', data: { code: 'validation_failed', issues: [] } }
  } else if (isDatabaseUnavailable(error)) {
    // Retryable: the database is down or restarting. Contract §2 `unavailable`.
    statusCode = 503
    useRequestLogger(event).error('database unavailable')
    body = { statusCode, message: 'Service temporarily unavailable, retry shortly', data: { code: 'unavailable' } }
  } else {
    statusCode = 500
    useRequestLogger(event).error('unhandled error', { error: error.cause ?? error })
    body = { statusCode, message: 'Internal server error', data: { code: 'internal' } }
  }
  // Domain code raises 429 without the request at hand: the header is derived from the error here.
  const retryAfterMs = (body.data as { retryAfterMs?: unknown }).retryAfterMs
  if (body.data.code === 'rate_limited' && typeof retryAfterMs === 'number') setResponseHeader(event, 'retry-after', Math.ceil(retryAfterMs / 1000))
  setResponseStatus(event, statusCode)
  setResponseHeader(event, 'content-type', 'application/json')
  setResponseHeader(event, 'cache-control', 'no-store')
  return send(event, JSON.stringify(body))
}
