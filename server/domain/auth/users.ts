import { z } from 'zod'
import type { users } from '../../db/schema'
import type { DatabaseHandle } from '../../adapters/database/database'
import type { PublicUser } from '../../../shared/types'
import { useDatabaseHandle } from '../../adapters/database/use-database'

export interface AuthUser extends PublicUser {
  sessionId: string | null
  suspendedUntil: Date | null
}

export type UserRow = typeof users.$inferSelect

export function toPublicUser(row: Pick<UserRow, 'id' | 'email' | 'handle' | 'displayName' | 'avatarUrl' | 'role'>): PublicUser {
  return { id: row.id, email: row.email, handle: row.handle, displayName: row.displayName, avatarUrl: row.avatarUrl, role: row.role }
}

export function toAuthUser(row: UserRow, sessionId: string | null): AuthUser {
  return { ...toPublicUser(row), sessionId, suspendedUntil: row.suspendedUntil }
}

export function isSuspended(user: { suspendedUntil: Date | null }): boolean {
  return user.suspendedUntil !== null && user.suspendedUntil.getTime() > Date.now()
}

// The socket sweep asks about every socket of the instance at once (thousands of ids). As one prepared statement
// with each list as one text parameter it costs a string join; built with Drizzle's inArray it took 15–30 ms of
// the event loop per sweep at 2,000 sockets (a placeholder and an is() check per id), and every delivery of those
// milliseconds waited for it (docs/performance.md, "The fan-out path").
const ENDED_ACCESS_SQL = `
  SELECT 's' AS kind, id::text AS id FROM switchboard.sessions
    WHERE id = ANY(string_to_array($1::text, ',')::uuid[]) AND (revoked_at IS NOT NULL OR expires_at <= now())
  UNION ALL
  SELECT 'u', id::text FROM switchboard.users
    WHERE id = ANY(string_to_array($2::text, ',')::uuid[]) AND suspended_until > now()`

// zod's 8-4-4-4-12 hex shape: what `::uuid` accepts (the schemas' z.uuid() also checks the version bits).
const UUID_SHAPE = z.regexes.guid

/**
 * Of the given sessions and users, those whose session ended (revoked, expired) or who are suspended now.
 * `handle` is the process's database unless a test passes its own.
 */
export async function listEndedAccess(sessionIds: string[], userIds: string[], handle?: DatabaseHandle) {
  const ended = { sessionIds: new Set<string>(), userIds: new Set<string>() }
  // Only well-formed ids go in: one malformed id would fail the cast for the whole sweep.
  const sessionList = sessionIds.filter(id => UUID_SHAPE.test(id))
  const userList = userIds.filter(id => UUID_SHAPE.test(id))
  if (sessionList.length === 0 && userList.length === 0) return ended
  const { rows } = await (handle ?? await useDatabaseHandle()).hotQuery(ENDED_ACCESS_SQL, [sessionList.join(','), userList.join(',')])
  for (const row of rows) (row.kind === 's' ? ended.sessionIds : ended.userIds).add(String(row.id))
  return ended
}
