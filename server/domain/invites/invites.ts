import type { H3Event } from 'h3'
import { and, eq, gt, lt, sql } from 'drizzle-orm'
import { invites, projectMembers, users } from '../../db/schema'
import { useDb } from '../../adapters/database/use-database'
import { isUniqueViolation } from '../../adapters/database/errors'
import { useIdentity } from '../../adapters/identity/use-identity'
import { publicOrigin } from '../../platform/origins'
import { newSecret, sha256 } from '../../platform/secrets'
import { apiError, conflict, notFound } from '../../platform/errors'
import { appendAudit } from '../audit/audit'
import { refreshAccessToken, startSession, verifyCredentials } from '../auth/sessions'
import type { AuthUser } from '../auth/users'
import { toPublicUser } from '../auth/users'
import { requireProjectRole } from '../projects/access'
import type { ProjectRole } from '../projects/access'

/** Owners and admins invite any role; staff may only invite clients; clients cannot invite. */
export async function createInvite(user: AuthUser, projectId: string, body: { role: ProjectRole, expiresInHours: number, maxUses: number }) {
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
  return { invite: { id: invite.id, url: `${publicOrigin()}/invite/${token}`, token, expiresAt: expiresAt.toISOString(), maxUses: invite.maxUses, role: invite.role } }
}

function handleFromEmail(email: string): string {
  const base = email.split('@')[0]!.toLowerCase().replace(/[^a-z0-9_.-]/g, '').slice(0, 24)
  return base.length >= 2 ? base : `user${base}`
}

/**
 * Redeems an invite: signed out, creates the account; signed in, joins the project. A use is taken atomically
 * (uses < max_uses in the UPDATE), so a one-use invite cannot be redeemed twice by racing requests.
 *
 * Signed out with an email that already has an account, the owner of that address joins by proving it: the
 * password is checked as a sign-in would (same limits, same "Invalid email or password"), and on success they
 * join and are signed in. Nothing answers "this email exists" (it was a 409 that let an invite holder probe
 * addresses); a wrong password there costs a sign-in failure like any other.
 */
export async function redeemInvite(event: H3Event, current: AuthUser | undefined, token: string, body: { email?: string, password?: string, displayName?: string, handle?: string }) {
  if (!current && !body.email) throw apiError('validation_failed', 'email, password and displayName are required', { issues: [{ path: 'email', message: 'required when signed out' }] })
  const db = await useDb()
  const usable = and(eq(invites.tokenHash, sha256(token)), gt(invites.expiresAt, sql`now()`), lt(invites.uses, invites.maxUses))
  // The token first: without a usable invite nothing else is looked at, so no one can probe emails with a made-up one.
  const [open] = await db.select({ id: invites.id }).from(invites).where(usable)
  if (!open) throw notFound('Invite not found or expired')
  let member: AuthUser | typeof users.$inferSelect | undefined = current
  let providerTokens: Awaited<ReturnType<typeof verifyCredentials>>['tokens']
  if (!member) {
    const [registered] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${body.email!.toLowerCase()}`)
    if (registered) ({ user: member, tokens: providerTokens } = await verifyCredentials(event, body.email!, body.password!))
  }
  // Hashed before the transaction: scrypt is slow and must not hold the invite row locked.
  const passwordHash = member ? null : await useIdentity().hashPassword(body.password!)
  const result = await db.transaction(async (tx) => {
    const [invite] = await tx.update(invites).set({ uses: sql`${invites.uses} + 1` }).where(usable).returning()
    if (!invite) throw notFound('Invite not found or expired')
    let user: typeof users.$inferSelect
    if (member) {
      ;[user] = await tx.select().from(users).where(eq(users.id, member.id)) as [typeof users.$inferSelect]
    } else {
      const handle = body.handle ?? `${handleFromEmail(body.email!)}-${newSecret(3).toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 4) || 'x1'}`
      ;[user] = await tx.insert(users).values({
        email: body.email!, handle, displayName: body.displayName!, passwordHash
      }).returning() as [typeof users.$inferSelect]
    }
    await tx.insert(projectMembers).values({ projectId: invite.projectId, userId: user.id, role: invite.role }).onConflictDoNothing()
    await appendAudit(tx, { actorId: user.id, action: 'invite.redeem', targetType: 'invite', targetId: invite.id, projectId: invite.projectId, details: { role: invite.role } })
    return { user, projectId: invite.projectId }
  }).catch((error) => {
    // The email was checked above, so what collides is the chosen handle (or an account created a moment ago).
    if (isUniqueViolation(error)) throw conflict('That handle is taken: choose another')
    throw error
  })
  if (current) {
    const access = await refreshAccessToken(current)
    return { user: toPublicUser(result.user), token: access.token, projectId: result.projectId }
  }
  const session = await startSession(event, result.user, providerTokens)
  return { user: session.user, token: session.token, projectId: result.projectId }
}
