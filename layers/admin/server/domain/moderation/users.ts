import { and, desc, eq, gt, ilike, isNull, or, sql } from 'drizzle-orm'
import { users } from '#server/db/schema'
import { useDb } from '#server/adapters/database/use-database'
import { apiError, conflict, notFound } from '#server/platform/errors'
import { publicOrigin } from '#server/platform/origins'
import { appendAudit } from '#server/domain/audit/audit'
import type { AuthUser, UserRow } from '#server/domain/auth/users'
import { isSuspended, toPublicUser } from '#server/domain/auth/users'
import { publishToUsers } from '#server/domain/events/publish'
import { createSignupLink } from '#server/domain/auth/signup'
import { isUniqueViolation } from '#server/adapters/database/errors'
import { randomBytes } from 'node:crypto'
import { afterCursor, containsPattern, encodeCursor } from '../paging'

// "Until an admin lifts it": a date Postgres and JavaScript both hold, where 'infinity' would not parse.
const INDEFINITELY = new Date('9999-12-31T23:59:59Z')
const CLOSE_AUTH = 4001

export function toAdminUser(row: UserRow) {
  return {
    ...toPublicUser(row),
    suspended: isSuspended(row),
    suspendedUntil: isSuspended(row) ? row.suspendedUntil!.toISOString() : null,
    suspendedReason: isSuspended(row) ? row.suspendedReason : null,
    createdAt: row.createdAt.toISOString()
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** GET /admin/users: search by email, name, handle or exact id; filter by role and suspension; newest first. */
export async function listUsers(filters: { q?: string, role?: UserRow['role'], suspended?: 'true' | 'false', cursor?: string, limit: number }) {
  const db = await useDb()
  const q = filters.q?.trim()
  const like = q ? containsPattern(q) : undefined
  // An id finds its user too: the admin pages keep a chosen user as an id in the URL and look its name up here.
  const byId = q && UUID.test(q) ? eq(users.id, q.toLowerCase()) : undefined
  const rows = await db.select().from(users).where(and(
    like ? or(ilike(users.email, like), ilike(users.displayName, like), ilike(users.handle, like), byId) : undefined,
    filters.role ? eq(users.role, filters.role) : undefined,
    filters.suspended === 'true' ? gt(users.suspendedUntil, sql`now()`) : undefined,
    filters.suspended === 'false' ? or(isNull(users.suspendedUntil), sql`${users.suspendedUntil} <= now()`) : undefined,
    afterCursor(filters.cursor, users)
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

/**
 * POST /admin/users: creates an account without a password and a one-time sign-up link (7 days) through which
 * its owner sets one. The link's token is in this answer only.
 */
export async function createUser(admin: AuthUser, body: { email: string, displayName: string, role: UserRow['role'] }) {
  const db = await useDb()
  const base = body.email.split('@')[0]!.toLowerCase().replace(/[^a-z0-9_.-]/g, '').slice(0, 24).padEnd(2, '0')
  const handle = `${base}-${randomBytes(2).toString('hex')}`
  const { user, link } = await db.transaction(async (tx) => {
    const [created] = await tx.insert(users).values({ email: body.email, displayName: body.displayName, handle, role: body.role }).returning()
    const signup = await createSignupLink(tx, created!.id, admin.id)
    await appendAudit(tx, { actorId: admin.id, action: 'user.create', targetType: 'user', targetId: created!.id, details: { role: body.role } })
    return { user: created!, link: signup }
  }).catch((error) => {
    if (isUniqueViolation(error)) throw conflict('An account with this email exists')
    throw error
  })
  return { user: toAdminUser(user), inviteUrl: `${publicOrigin()}/signup/${link.token}`, expiresAt: link.expiresAt.toISOString() }
}
