import { and, eq, isNull, sql } from 'drizzle-orm'
import { conversationMembers, conversations, projectMembers } from '../../db/schema'
import { preparedQuery } from '../../adapters/database/use-database'
import { useConfig } from '../../platform/config'
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
const accessQuery = preparedQuery(db => db.select({
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
  .prepare('conversation_access'))

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

/**
 * A sender's access, remembered per instance for SEND_ACCESS_CACHE_MS so a send costs no query of its own.
 * Only the send path uses it, and only as a hint: the batch statement joins the sender's participation and
 * project role itself and refuses the batch when either is gone, after which the send is checked afresh
 * (`forgetSendAccess`, then `requireConversation`). A stale entry can therefore cost a batch one retry, never
 * let a message through. Its `lastReadSeq` and the conversation's counters are as of the lookup, not current.
 */
const sendAccess = new Map<string, { access: ConversationAccess, until: number }>()
const SEND_ACCESS_MAX_ENTRIES = 50_000

export async function requireSendAccess(user: AuthUser, conversationId: string): Promise<ConversationAccess> {
  const ttl = useConfig().writes.sendAccessCacheMs
  // Admins may write where they are not participants and into locked conversations: the batch does not take them.
  if (ttl === 0 || user.role === 'admin') return requireConversation(user, conversationId)
  const key = `${user.id}:${conversationId}`
  const now = Date.now()
  const hit = sendAccess.get(key)
  if (hit && hit.until > now) return hit.access
  const access = await requireConversation(user, conversationId)
  sendAccess.delete(key)
  // Only access that lets the send through is remembered: a stale entry can then only be too permissive, which
  // the batch statement catches, and never refuses a send that the database would take (a reopened conversation).
  if (!mayWrite(access, user)) return access
  // Insertion order is age order: past the bound, the oldest entry goes.
  if (sendAccess.size >= SEND_ACCESS_MAX_ENTRIES) sendAccess.delete(sendAccess.keys().next().value!)
  sendAccess.set(key, { access, until: now + ttl })
  return access
}

function mayWrite(access: ConversationAccess, user: AuthUser): boolean {
  try {
    requireWritable(access, user)
    return true
  } catch {
    return false
  }
}

export function forgetSendAccess(userId: string, conversationId: string) {
  sendAccess.delete(`${userId}:${conversationId}`)
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
