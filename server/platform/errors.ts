import { createError } from 'h3'
import type { ZodError } from 'zod'

/** Error codes of contract §2. */
export type ErrorCode = 'unauthorized' | 'forbidden' | 'not_found' | 'validation_failed' | 'conflict'
  | 'payload_too_large' | 'unsupported_media_type' | 'rate_limited' | 'conversation_locked' | 'suspended'
  | 'undeliverable' | 'unavailable' | 'internal'

const STATUS: Record<ErrorCode, number> = {
  unauthorized: 401, forbidden: 403, not_found: 404, validation_failed: 422, conflict: 409,
  payload_too_large: 413, unsupported_media_type: 415, rate_limited: 429, conversation_locked: 423,
  suspended: 403, undeliverable: 403, unavailable: 503, internal: 500
}

/** An h3 error in the contract's shape: `{ statusCode, message, data: { code, ... } }`. */
export function apiError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}, status = STATUS[code]) {
  return createError({ statusCode: status, statusMessage: message, message, data: { code, ...extra } })
}

export const notFound = (what = 'Not found') => apiError('not_found', what)
export const unauthorized = (why = 'Sign in required') => apiError('unauthorized', why)
export const forbidden = (why = 'Forbidden') => apiError('forbidden', why)
export const conflict = (why: string) => apiError('conflict', why)

export function zodIssues(error: ZodError) {
  return error.issues.map(issue => ({ path: issue.path.map(String).join('.'), message: issue.message }))
}

export function validationFailed(error: ZodError, status = 422) {
  return apiError('validation_failed', 'Validation failed', { issues: zodIssues(error) }, status)
}

/** Error codes are plain strings on the wire; this throws the domain error a WS op can also map to a reply. */
export function isApiError(error: unknown): error is { statusCode: number, message: string, data: { code: ErrorCode, retryAfterMs?: number } } {
  return typeof error === 'object' && error !== null && 'statusCode' in error
    && typeof (error as { data?: { code?: unknown } }).data?.code === 'string'
}
