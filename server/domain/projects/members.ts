import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { conversationMembers, conversations, projectMembers, users } from '../../db/schema'
import { useDb } from '../../adapters/database/use-database'
import type { UserPresence } from '../../adapters/presence/presence'
import { usePresence } from '../../adapters/presence/use-presence'
import { consumeRate } from '../../adapters/rate-limit'
import { useConfig } from '../../platform/config'
import { apiError, notFound } from '../../platform/errors'
import { appendAudit } from '../audit/audit'
import type { AuthUser } from '../auth/users'
import { removeParticipant } from '../conversations/participants'
import { requireProjectRole, requireRoleAtLeast, visibleMembers } from './access'
import type { ProjectRole } from './access'

/** Adding and removing members share a budget: each reaches the person's sockets and every conversation they leave. */
const memberRules = (): Array<[number, number]> => [[useConfig().limits.memberChangesPerMinute, 60]]

/** The members the caller may see, with role and presence: everyone for owners and staff, less for clients. */
export async function listMembers(user: AuthUser, projectId: string) {
  const role = await requireProjectRole(user, projectId)
  const db = await useDb()
  const rows = await db.select({ userId: users.id, displayName: users.displayName, avatarUrl: users.avatarUrl, handle: users.handle, role: projectMembers.role })
    .from(projectMembers).innerJoin(users, eq(users.id, projectMembers.userId))
    .where(and(eq(projectMembers.projectId, projectId), visibleMembers(user.id, role, projectId))).orderBy(asc(users.displayName))
  // Presence is best-effort: a Redis outage must not break the member list.
  const presence = rows.length ? await usePresence().get(rows.map(r => r.userId)).catch(() => ({} as Record<string, UserPresence>)) : {}
  return { members: rows.map(r => ({ ...r, presence: presence[r.userId]?.status ?? 'offline' })) }
}

/** Owners and admins add existing accounts by email (new people join through invites). */
export async function addMember(user: AuthUser, projectId: string, body: { email: string, role: ProjectRole }) {
  requireRoleAtLeast(await requireProjectRole(user, projectId), 'owner')
  await consumeRate('member', user.id, memberRules())
  const db = await useDb()
  const [target] = await db.select().from(users).where(sql`lower(${users.email}) = ${body.email}`)
  if (!target) throw notFound('No account with this email')
  await db.transaction(async (tx) => {
    await tx.insert(projectMembers).values({ projectId, userId: target.id, role: body.role })
      .onConflictDoUpdate({ target: [projectMembers.projectId, projectMembers.userId], set: { role: body.role } })
    await appendAudit(tx, { actorId: user.id, action: 'member.add', targetType: 'user', targetId: target.id, projectId, details: { role: body.role } })
  })
  return { member: { userId: target.id, displayName: target.displayName, avatarUrl: target.avatarUrl, role: body.role } }
}

/** Removes a member from the project and from each of its conversations (so they lose access at once). */
export async function removeMember(user: AuthUser, projectId: string, userId: string) {
  requireRoleAtLeast(await requireProjectRole(user, projectId), 'owner')
  await consumeRate('member', user.id, memberRules())
  const db = await useDb()
  const [member] = await db.select().from(projectMembers).where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)))
  if (!member) throw notFound('Member not found')
  if (member.role === 'owner') {
    const [{ owners }] = await db.select({ owners: sql<number>`count(*)::int` }).from(projectMembers)
      .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.role, 'owner'))) as [{ owners: number }]
    if (owners <= 1) throw apiError('conflict', 'A project keeps at least one owner')
  }
  const joined = await db.select({ id: conversations.id }).from(conversationMembers)
    .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
    .where(and(eq(conversations.projectId, projectId), eq(conversationMembers.userId, userId), isNull(conversationMembers.leftAt)))
  for (const c of joined) await removeParticipant(user, c.id, userId)
  await db.transaction(async (tx) => {
    await tx.delete(projectMembers).where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)))
    await appendAudit(tx, { actorId: user.id, action: 'member.remove', targetType: 'user', targetId: userId, projectId })
  })
  return { ok: true }
}
