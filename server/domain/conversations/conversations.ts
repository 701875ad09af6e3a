import { and, asc, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm'
import { conversationMembers, conversations, messages, projectMembers, users } from '../../db/schema'
import type { ConversationKind } from '../../../shared/schemas/conversations'
import { useDatabaseHandle, useDb } from '../../adapters/database/use-database'
import { consumeRate } from '../../adapters/rate-limit'
import { useConfig } from '../../platform/config'
import { apiError, notFound } from '../../platform/errors'
import { appendAudit } from '../audit/audit'
import type { AuthUser } from '../auth/users'
import { publishToUsers } from '../events/publish'
import { requireProjectRole, requireRoleAtLeast, visibleMembers } from '../projects/access'
import type { ProjectMembership } from '../projects/access'
import { requireConversation } from './access'
import { toConversation } from './views'

/** The caller's conversations in a project (admins: all), with unread and mention counts from their read pointer. */
export async function listConversations(user: AuthUser, projectId: string) {
  await requireProjectRole(user, projectId)
  const db = await useDb()
  // Unread = others' live messages after the pointer; both counts walk messages_conversation_id_seq_idx.
  const readFrom = sql`coalesce(${conversationMembers.lastReadSeq}, ${conversations.lastSeq})`
  const rows = await db.select({
    conversation: conversations,
    unreadCount: sql<number>`(select count(*)::int from switchboard.messages m where m.conversation_id = ${conversations.id}
      and m.seq > ${readFrom} and m.sender_id <> ${user.id} and m.deleted_at is null)`,
    mentionCount: sql<number>`(select count(*)::int from switchboard.messages m where m.conversation_id = ${conversations.id}
      and m.seq > ${readFrom} and m.sender_id <> ${user.id} and m.deleted_at is null and ${user.id}::uuid = any(m.mentions))`
  }).from(conversations)
    .leftJoin(conversationMembers, and(eq(conversationMembers.conversationId, conversations.id), eq(conversationMembers.userId, user.id), isNull(conversationMembers.leftAt)))
    // Archived conversations leave members' lists (admins still see them, with their status).
    .where(and(eq(conversations.projectId, projectId), user.role === 'admin'
      ? undefined
      : and(sql`${conversationMembers.userId} is not null`, ne(conversations.status, 'archived'))))
    .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.createdAt))
  return { conversations: rows.map(r => toConversation(r.conversation, { unreadCount: Number(r.unreadCount), mentionCount: Number(r.mentionCount) })) }
}

/**
 * Staff, owners and admins create any kind; a client may only open a DM with a staff member or owner.
 * A DM between two people is unique per project: asking again returns the existing one (`created: false`).
 */
export async function createConversation(user: AuthUser, projectId: string, body: { title?: string, kind: ConversationKind, participantIds: string[] }) {
  const role = await requireProjectRole(user, projectId)
  // Each new conversation is a notice at every participant's sockets.
  await consumeRate('conversation', user.id, [[useConfig().limits.conversationsPerHour, 3600]])
  const db = await useDb()
  const requested = [...new Set(body.participantIds.filter(id => id !== user.id))]
  // Only the members the caller may see: naming a client a client cannot see is a foreign id like any other.
  const members = await db.select({ userId: projectMembers.userId, role: projectMembers.role, displayName: users.displayName })
    .from(projectMembers).innerJoin(users, eq(users.id, projectMembers.userId))
    .where(and(eq(projectMembers.projectId, projectId), visibleMembers(user.id, role, projectId)))
  const byId = new Map(members.map(m => [m.userId, m]))
  // Someone outside the project is a foreign id: 404, like any other id the caller may not see.
  if (requested.some(id => !byId.has(id))) throw notFound('User not found')

  let participantIds = requested
  let dmKey: string | null = null
  let title = body.title ?? ''
  if (body.kind === 'dm') {
    if (requested.length !== 1) throw apiError('validation_failed', 'A DM has exactly one other participant', { issues: [{ path: 'participantIds', message: 'exactly one other participant' }] })
    const other = byId.get(requested[0]!)!
    if (role === 'client' && other.role === 'client') throw apiError('forbidden', 'Clients can only message staff directly')
    dmKey = [user.id, other.userId].sort().join(':')
    title ||= [user.displayName, other.displayName].join(', ')
  } else {
    requireRoleAtLeast(role, 'staff')
    if (!title) throw apiError('validation_failed', 'A title is required', { issues: [{ path: 'title', message: 'required' }] })
    // Project-wide kinds include everyone in the project when no participants are named.
    if (participantIds.length === 0 && (body.kind === 'project' || body.kind === 'announcement')) {
      participantIds = members.map(m => m.userId).filter(id => id !== user.id)
    }
  }
  if (dmKey) {
    const [existing] = await db.select().from(conversations).where(and(eq(conversations.projectId, projectId), eq(conversations.dmKey, dmKey)))
    if (existing) return { conversation: toConversation(existing), created: false }
  }
  const created = await db.transaction(async (tx) => {
    const [row] = await tx.insert(conversations).values({ projectId, title, kind: body.kind, dmKey, createdBy: user.id })
      .onConflictDoNothing().returning()
    if (!row) return undefined
    const isMember = byId.has(user.id)
    const rows = [
      ...(isMember ? [{ conversationId: row.id, userId: user.id, role: 'owner' as const }] : []),
      ...participantIds.map(userId => ({ conversationId: row.id, userId, role: 'member' as const }))
    ]
    if (rows.length) await tx.insert(conversationMembers).values(rows)
    await appendAudit(tx, { actorId: user.id, action: 'conversation.create', targetType: 'conversation', targetId: row.id, projectId, details: { kind: body.kind, participantIds } })
    return row
  })
  if (!created) {
    // Lost a race with the same DM being opened concurrently: return the winner.
    const [existing] = await db.select().from(conversations).where(and(eq(conversations.projectId, projectId), eq(conversations.dmKey, dmKey!)))
    return { conversation: toConversation(existing!), created: false }
  }
  const conversation = toConversation(created)
  // Sockets of the participants subscribe to it at once (realtime hub, user channel).
  publishToUsers([...new Set([user.id, ...participantIds])], { type: 'conversation:updated', data: { conversation, added: true } })
  return { conversation, created: true }
}

/** One conversation with its participants and their read pointers. */
export async function getConversation(user: AuthUser, conversationId: string) {
  const access = await requireConversation(user, conversationId)
  const db = await useDb()
  const members = await db.select({
    userId: users.id, displayName: users.displayName, handle: users.handle, avatarUrl: users.avatarUrl,
    role: projectMembers.role, lastReadSeq: conversationMembers.lastReadSeq
  }).from(conversationMembers)
    .innerJoin(users, eq(users.id, conversationMembers.userId))
    .innerJoin(projectMembers, and(eq(projectMembers.userId, users.id), eq(projectMembers.projectId, access.conversation.projectId)))
    .where(and(eq(conversationMembers.conversationId, conversationId), isNull(conversationMembers.leftAt)))
    .orderBy(asc(users.displayName))
  const counts = access.participant ? await unreadFor(user.id, conversationId, access.lastReadSeq) : { unreadCount: 0, mentionCount: 0 }
  return { conversation: toConversation(access.conversation, counts), members }
}

async function unreadFor(userId: string, conversationId: string, lastReadSeq: number) {
  const db = await useDb()
  const [row] = await db.select({
    unread: sql<number>`count(*)::int`,
    mentions: sql<number>`(count(*) filter (where ${userId}::uuid = any(${messages.mentions})))::int`
  }).from(messages).where(and(eq(messages.conversationId, conversationId), gt(messages.seq, lastReadSeq), ne(messages.senderId, userId), isNull(messages.deletedAt)))
  return { unreadCount: Number(row?.unread ?? 0), mentionCount: Number(row?.mentions ?? 0) }
}

// A socket opening needs both lists: one prepared statement, one round trip.
const PARTICIPATIONS_SQL = `
  SELECT
    (SELECT coalesce(string_agg(conversation_id::text, ','), '') FROM switchboard.conversation_members
      WHERE user_id = $1 AND left_at IS NULL) AS conversations,
    (SELECT coalesce(string_agg(project_id::text || ':' || role, ','), '') FROM switchboard.project_members WHERE user_id = $1) AS projects`

/** The conversations a user takes part in and their projects, for the subscriptions of a new socket. */
export async function listParticipationsOf(userId: string): Promise<{ conversationIds: string[], memberships: ProjectMembership[] }> {
  const { rows: [row] } = await (await useDatabaseHandle()).hotQuery(PARTICIPATIONS_SQL, [userId])
  const ids = (list: unknown) => (typeof list === 'string' && list ? list.split(',') : [])
  const memberships = ids(row?.projects).map((pair) => {
    const [projectId, role] = pair.split(':') as [string, ProjectMembership['role']]
    return { projectId, role }
  })
  return { conversationIds: ids(row?.conversations), memberships }
}
