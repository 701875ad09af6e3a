import { and, eq, lt, or } from 'drizzle-orm'
import type { AnyColumn } from 'drizzle-orm'
import { apiError } from '#server/platform/errors'

// Keyset paging on (created_at, id), newest first, for every admin list: stable while new rows arrive, and as
// cheap on the thousandth page as on the first. A cursor is the last row's key, base64url-encoded.
export interface PageKey { createdAt: Date, id: string }

export const encodeCursor = (row: PageKey) => Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url')

export function decodeCursor(cursor: string): PageKey {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const createdAt = new Date(at ?? '')
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) {
    throw apiError('validation_failed', 'Invalid cursor', { issues: [{ path: 'cursor', message: 'not a cursor from this list' }] }, 400)
  }
  return { createdAt, id }
}

/** The WHERE part that continues after a cursor, for a list ordered by (createdAt desc, id desc). */
export function afterCursor(cursor: string | undefined, columns: { createdAt: AnyColumn, id: AnyColumn }) {
  if (!cursor) return undefined
  const key = decodeCursor(cursor)
  return or(lt(columns.createdAt, key.createdAt), and(eq(columns.createdAt, key.createdAt), lt(columns.id, key.id)))
}

/** A LIKE pattern that matches the text literally (its own % and _ included), anywhere in the value. */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, c => `\\${c}`)}%`
