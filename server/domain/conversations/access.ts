import { and, eq, isNull, sql } from 'drizzle-orm'
import { conversationMembers, conversations, projectMembers } from '../../db/schema'
import type { Database } from '../../adapters/database/database'
import { useDb } from '../../adapters/database/use-database'
import { apiError, notFound } from '../../platform/errors'
import type { AuthUser } from '../auth/users'
import type { ProjectRole } from '../projects/access'

export type ConversationRow = typeof conversations.$inferSelect

export interface ConversationAccess {
  conversation: ConversationRow
  /** The caller's project role (admins: 'owner'). */
  projectRole: ProjectRole
  /** True when the caller is a current participant (admins may read without being one). */
  participant: boolean
  lastReadSeq: number
}

/**
 * Every send, read mark and op starts with this query: a prepared statement (parsed and planned once per
 * connection, not on every call; `DATABASE_PREPARE=off` behind a pooler that cannot keep them).
 */
function buildAccessQuery(db: Database) {
  return db.select({
    conversation: conversations,
    memberUserId: conversationMembers.userId,
    lastReadSeq: conversationMembers.lastReadSeq,
    projectRole: projectMembers.role
  }).from(conversations)
    .leftJoin(conversationMembers, and(
      eq(conversationMembers.conversationId, conversations.id),
      eq(conversationMembers.userId, sql.placeholder('userId')),
      isNull(conversationMembers.leftAt)))
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, conversations.projectId), eq(projectMembers.userId, sql.placeholder('userId'))))
    .where(eq(conversations.id, sql.placeholder('conversationId')))
    .prepare('conversation_access')
}
const accessQueries = new WeakMap<Database, ReturnType<typeof buildAccessQuery>>()
async function accessQuery() {
  const db = await useDb()
  let query = accessQueries.get(db)
  if (!query) accessQueries.set(db, query = buildAccessQuery(db))
  return query
}

/**
 * The conversation, if the caller may read it: a current participant, or a global admin.
 * Analysts never read content. Everything else is 404 so ids do not leak (contract §1).
 */
export async function requireConversation(user: AuthUser, conversationId: string): Promise<ConversationAccess> {
  if (user.role === 'analyst') throw notFound('Conversation not found')
  const [row] = await (await accessQuery()).execute({ userId: user.id, conversationId })
  if (!row) throw notFound('Conversation not found')
  const participant = row.memberUserId !== null && row.projectRole !== null
  if (!participant && user.role !== 'admin') throw notFound('Conversation not found')
  return {
    conversation: row.conversation,
    projectRole: user.role === 'admin' ? 'owner' : row.projectRole ?? 'client',
    participant,
    lastReadSeq: row.lastReadSeq ?? 0
  }
}

export type ConversationStatus = ConversationRow['status']

/** Locked conversations are read-only for everyone but admins; archived ones for everyone. */
export function writableStatuses(user: Pick<AuthUser, 'role'>): ConversationStatus[] {
  return user.role === 'admin' ? ['active', 'locked'] : ['active']
}

/** Any change (send, edit, reaction) is refused where the caller may not write (423 conversation_locked). */
export function requireActive(access: ConversationAccess, user: Pick<AuthUser, 'role'>) {
  const { status } = access.conversation
  if (!writableStatuses(user).includes(status)) throw apiError('conversation_locked', `Conversation is ${status}`)
}

/** Posting: writable for the caller, and announcements take posts from staff, owners and admins only. */
export function requireWritable(access: ConversationAccess, user: AuthUser) {
  requireActive(access, user)
  if (access.conversation.kind === 'announcement' && access.projectRole === 'client' && user.role !== 'admin') {
    throw apiError('forbidden', 'Only staff can post in announcements')
  }
}
