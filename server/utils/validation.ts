import type { H3Event } from 'h3'
import { getQuery, getRequestHeader, getRouterParams, readRawBody } from 'h3'
import type { z } from 'zod'
import { apiError, validationFailed } from '../platform/errors'
import { parseClientJson } from '../platform/json'

// Bodies are small JSON documents; anything bigger is refused before parsing.
const MAX_JSON_BODY_BYTES = 256 * 1024
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

/** Reads and validates a JSON body: 400 for unparsable JSON, 413 for oversize, 422 for schema failures. */
export async function readValid<S extends z.ZodType>(event: H3Event, schema: S): Promise<z.output<S>> {
  const raw = await readRawBody(event, 'utf8')
  if (raw && Buffer.byteLength(raw) > MAX_JSON_BODY_BYTES) throw apiError('payload_too_large', 'Body too large')
  // A JSON body says so: a `text/plain` one is what a cross-site form or a no-preflight fetch would send.
  if (raw && raw.trim() !== '' && !JSON_TYPE.test(getRequestHeader(event, 'content-type') ?? '')) {
    throw apiError('unsupported_media_type', 'Send the body as JSON, with Content-Type: application/json')
  }
  let parsed: unknown = {}
  if (raw && raw.trim() !== '') {
    try {
      parsed = parseClientJson(raw)
    } catch {
      throw apiError('validation_failed', 'Body is not valid JSON', { issues: [{ path: '', message: 'Invalid JSON' }] }, 400)
    }
  }
  const result = schema.safeParse(parsed)
  if (!result.success) throw validationFailed(result.error)
  return result.data
}

export function queryValid<S extends z.ZodType>(event: H3Event, schema: S): z.output<S> {
  const result = schema.safeParse(getQuery(event))
  if (!result.success) throw validationFailed(result.error, 400)
  return result.data
}

export function paramsValid<S extends z.ZodType>(event: H3Event, schema: S): z.output<S> {
  const result = schema.safeParse(getRouterParams(event, { decode: true }))
  // A malformed id can never name a row the caller may see: answer like any other miss.
  if (!result.success) throw apiError('not_found', 'Not found')
  return result.data
}
