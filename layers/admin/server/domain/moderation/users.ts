import { eq } from 'drizzle-orm'
import { users } from '#server/db/schema'
import { useDb } from '#server/adapters/database/use-database'
import { apiError, conflict, notFound } from '#server/platform/errors'
import { appendAudit } from '#server/domain/audit/audit'
import type { AuthUser, UserRow } from '#server/domain/auth/users'
import { isSuspended, toPublicUser } from '#server/domain/auth/users'
import { publishToUsers } from '#server/domain/events/publish'

// "Until an admin lifts it": a date Postgres and JavaScript both hold, where 'infinity' would not parse.
const INDEFINITELY = new Date('9999-12-31T23:59:59Z')
const CLOSE_AUTH = 4001

function toAdminUser(row: UserRow) {
  return {
    ...toPublicUser(row),
    suspended: isSuspended(row),
    suspendedUntil: isSuspended(row) ? row.suspendedUntil!.toISOString() : null,
    suspendedReason: isSuspended(row) ? row.suspendedReason : null
  }
}

async function requireUserRow(userId: string) {
  const db = await useDb()
  const [row] = await db.select().from(users).where(eq(users.id, userId))
  if (!row) throw notFound('User not found')
  return { row, db }
}

/**
 * Suspends a user (until a date, or until lifted): REST and WS refuse them, sign-in says so, and their open
 * sockets on every instance close with 4001 at once (the per-instance sweep is the fallback if the bus drops
 * the notice). Their history stays.
 */
export async function suspendUser(admin: AuthUser, userId: string, body: { until?: string, reason: string }) {
  const { row, db } = await requireUserRow(userId)
  if (row.id === admin.id) throw conflict('You cannot suspend yourself')
  const until = body.until ? new Date(body.until) : INDEFINITELY
  if (until.getTime() <= Date.now()) throw apiError('validation_failed', 'until must be in the future', { issues: [{ path: 'until', message: 'must be in the future' }] })
  const updated = await db.transaction(async (tx) => {
    const [changed] = await tx.update(users).set({ suspendedUntil: until, suspendedReason: body.reason }).where(eq(users.id, userId)).returning()
    await appendAudit(tx, {
      actorId: admin.id, action: 'user.suspend', targetType: 'user', targetId: userId, reason: body.reason,
      details: { until: body.until ? until.toISOString() : null }
    })
    return changed!
  })
  publishToUsers([userId], { type: 'control', data: { close: '*', code: CLOSE_AUTH, reason: 'suspended' } })
  return { user: toAdminUser(updated) }
}

/** Lifts a suspension; the user signs in again as before. */
export async function unsuspendUser(admin: AuthUser, userId: string, reason?: string) {
  const { db } = await requireUserRow(userId)
  const updated = await db.transaction(async (tx) => {
    const [changed] = await tx.update(users).set({ suspendedUntil: null, suspendedReason: null }).where(eq(users.id, userId)).returning()
    await appendAudit(tx, { actorId: admin.id, action: 'user.unsuspend', targetType: 'user', targetId: userId, reason: reason ?? null })
    return changed!
  })
  return { user: toAdminUser(updated) }
}
