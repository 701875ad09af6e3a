import type { H3Event } from 'h3'
import { getRequestURL } from 'h3'
import { and, eq, gt, lt, sql } from 'drizzle-orm'
import { invites, projectMembers, users } from '../db/schema'
import type { AuthUser } from './auth'
import { getAuthUser, startSession, toPublicUser } from './auth'
import { requireProjectRole } from './access'
import type { ProjectRole } from './access'
import { appendAudit } from './audit'
import { isUniqueViolation } from './conversation-writes'
import { useConfig } from './config'
import { useDb } from './db'
import { apiError, conflict, notFound } from './errors'
import { hashPassword } from './passwords'
import { newSecret, sha256, signAccessToken } from './tokens'

/** Owners and admins invite any role; staff may only invite clients; clients cannot invite. */
export async function createInvite(event: H3Event, user: AuthUser, projectId: string, body: { role: ProjectRole, expiresInHours: number, maxUses: number }) {
  const role = await requireProjectRole(user, projectId)
  if (role === 'client') throw apiError('forbidden', 'Clients cannot invite')
  if (role === 'staff' && body.role !== 'client') throw apiError('forbidden', 'Staff can only invite clients')
  const token = newSecret(24)
  const expiresAt = new Date(Date.now() + body.expiresInHours * 3_600_000)
  const db = await useDb()
  const invite = await db.transaction(async (tx) => {
    const [created] = await tx.insert(invites).values({
      projectId, role: body.role, tokenHash: sha256(token), createdBy: user.id, expiresAt, maxUses: body.maxUses
    }).returning()
    await appendAudit(tx, { actorId: user.id, action: 'invite.create', targetType: 'invite', targetId: created!.id, projectId, details: { role: body.role, maxUses: body.maxUses } })
    return created!
  })
  const origin = useConfig().publicUrl ?? getRequestURL(event).origin
  return { invite: { id: invite.id, url: `${origin}/invite/${token}`, token, expiresAt: expiresAt.toISOString(), maxUses: invite.maxUses, role: invite.role } }
}

function handleFromEmail(email: string): string {
  const base = email.split('@')[0]!.toLowerCase().replace(/[^a-z0-9_.-]/g, '').slice(0, 24)
  return base.length >= 2 ? base : `user${base}`
}

/**
 * Redeems an invite: signed out, creates the account; signed in, joins the project. A use is taken atomically
 * (uses < max_uses in the UPDATE), so a one-use invite cannot be redeemed twice by racing requests.
 */
export async function redeemInvite(event: H3Event, token: string, body: { email?: string, password?: string, displayName?: string, handle?: string }) {
  const current = await getAuthUser(event)
  if (!current && !body.email) throw apiError('validation_failed', 'email, password and displayName are required', { issues: [{ path: 'email', message: 'required when signed out' }] })
  const db = await useDb()
  const result = await db.transaction(async (tx) => {
    const [invite] = await tx.update(invites).set({ uses: sql`${invites.uses} + 1` })
      .where(and(eq(invites.tokenHash, sha256(token)), gt(invites.expiresAt, sql`now()`), lt(invites.uses, invites.maxUses)))
      .returning()
    if (!invite) throw notFound('Invite not found or expired')
    let user: typeof users.$inferSelect
    if (current) {
      ;[user] = await tx.select().from(users).where(eq(users.id, current.id)) as [typeof users.$inferSelect]
    } else {
      const handle = body.handle ?? `${handleFromEmail(body.email!)}-${newSecret(3).toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 4) || 'x1'}`
      ;[user] = await tx.insert(users).values({
        email: body.email!, handle, displayName: body.displayName!, passwordHash: await hashPassword(body.password!)
      }).returning() as [typeof users.$inferSelect]
    }
    await tx.insert(projectMembers).values({ projectId: invite.projectId, userId: user.id, role: invite.role }).onConflictDoNothing()
    await appendAudit(tx, { actorId: user.id, action: 'invite.redeem', targetType: 'invite', targetId: invite.id, projectId: invite.projectId, details: { role: invite.role } })
    return { user, projectId: invite.projectId }
  }).catch((error) => {
    if (isUniqueViolation(error)) throw conflict('An account with this email or handle exists: sign in first')
    throw error
  })
  if (current) {
    const access = await signAccessToken({ userId: current.id, email: current.email, globalRole: current.role, sessionId: current.sessionId ?? '', handle: current.handle })
    return { user: toPublicUser(result.user), token: access.token, projectId: result.projectId }
  }
  const session = await startSession(event, result.user)
  return { user: session.user, token: session.token, projectId: result.projectId }
}
