import { and, gt, inArray, isNotNull, or, sql } from 'drizzle-orm'
import { sessions, users } from '../../db/schema'
import type { PublicUser } from '../../../shared/types'
import { useDb } from '../../adapters/database/use-database'

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

/** Of the given sessions and users, those whose session ended (revoked, expired) or who are suspended now. */
export async function listEndedAccess(sessionIds: string[], userIds: string[]) {
  const db = await useDb()
  const valid = sessionIds.filter(id => /^[0-9a-f-]{36}$/.test(id))
  const [ended, suspended] = await Promise.all([
    valid.length
      ? db.select({ id: sessions.id }).from(sessions)
          .where(and(inArray(sessions.id, valid), or(isNotNull(sessions.revokedAt), sql`${sessions.expiresAt} <= now()`)))
      : [],
    userIds.length
      ? db.select({ id: users.id }).from(users).where(and(inArray(users.id, userIds), gt(users.suspendedUntil, sql`now()`)))
      : []
  ])
  return { sessionIds: new Set(ended.map(r => r.id)), userIds: new Set(suspended.map(r => r.id)) }
}
