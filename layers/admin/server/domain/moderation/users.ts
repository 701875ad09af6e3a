import { and, desc, eq, gt, ilike, isNull, lt, or, sql } from 'drizzle-orm'
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

export function toAdminUser(row: UserRow) {
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

// Keyset paging on (created_at, id), newest first, as in the audit log.
const encodeCursor = (row: { createdAt: Date, id: string }) => Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url')
function decodeCursor(cursor: string) {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const createdAt = new Date(at ?? '')
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) {
    throw apiError('validation_failed', 'Invalid cursor', { issues: [{ path: 'cursor', message: 'not a cursor from this list' }] }, 400)
  }
  return { createdAt, id }
}

/** GET /admin/users: search by email, name or handle; filter by role and suspension; newest first. */
export async function listUsers(filters: { q?: string, role?: UserRow['role'], suspended?: 'true' | 'false', cursor?: string, limit: number }) {
  const db = await useDb()
  const after = filters.cursor ? decodeCursor(filters.cursor) : undefined
  // The search text is a LIKE pattern: its own % and _ are matched literally.
  const like = filters.q ? `%${filters.q.replace(/[\\%_]/g, c => `\\${c}`)}%` : undefined
  const rows = await db.select().from(users).where(and(
    like ? or(ilike(users.email, like), ilike(users.displayName, like), ilike(users.handle, like)) : undefined,
    filters.role ? eq(users.role, filters.role) : undefined,
    filters.suspended === 'true' ? gt(users.suspendedUntil, sql`now()`) : undefined,
    filters.suspended === 'false' ? or(isNull(users.suspendedUntil), sql`${users.suspendedUntil} <= now()`) : undefined,
    after ? or(lt(users.createdAt, after.createdAt), and(eq(users.createdAt, after.createdAt), lt(users.id, after.id))) : undefined
  )).orderBy(desc(users.createdAt), desc(users.id)).limit(filters.limit + 1)
  const page = rows.slice(0, filters.limit)
  return { users: page.map(toAdminUser), nextCursor: rows.length > filters.limit ? encodeCursor(page.at(-1)!) : null }
}

/** PATCH /admin/users/:id: changes the global role (admin, analyst, member); an admin cannot demote themself. */
export async function updateUserRole(admin: AuthUser, userId: string, body: { role: UserRow['role'], reason?: string }) {
  const { row, db } = await requireUserRow(userId)
  if (row.id === admin.id && body.role !== 'admin') throw conflict('You cannot change your own role')
  if (row.role === body.role) return { user: toAdminUser(row) }
  const updated = await db.transaction(async (tx) => {
    const [changed] = await tx.update(users).set({ role: body.role }).where(eq(users.id, userId)).returning()
    await appendAudit(tx, {
      actorId: admin.id, action: 'user.role', targetType: 'user', targetId: userId, reason: body.reason ?? null,
      details: { from: row.role, to: body.role }
    })
    return changed!
  })
  return { user: toAdminUser(updated) }
}
