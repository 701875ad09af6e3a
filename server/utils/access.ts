import { and, eq, isNull } from 'drizzle-orm'
import { conversationMembers, conversations, projectMembers, projects } from '../db/schema'
import type { AuthUser } from './auth'
import { useDb } from './db'
import { apiError, notFound } from './errors'

export type ProjectRole = 'owner' | 'staff' | 'client'

/** The caller's role in the project: admins act as owners; anyone else who is not a member gets 404. */
export async function requireProjectRole(user: AuthUser, projectId: string): Promise<ProjectRole> {
  const db = await useDb()
  const [member] = await db.select({ role: projectMembers.role }).from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, user.id)))
  if (member) return member.role
  if (user.role === 'admin') {
    const [project] = await db.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId))
    if (project) return 'owner'
  }
  throw notFound('Project not found')
}

export function requireRoleAtLeast(role: ProjectRole, needed: 'owner' | 'staff') {
  const ok = needed === 'owner' ? role === 'owner' : role === 'owner' || role === 'staff'
  if (!ok) throw apiError('forbidden', `Only ${needed === 'owner' ? 'owners' : 'staff'} can do this`)
}

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
 * The conversation, if the caller may read it: a current participant, or a global admin.
 * Analysts never read content. Everything else is 404 so ids do not leak (contract §1).
 */
export async function requireConversation(user: AuthUser, conversationId: string): Promise<ConversationAccess> {
  if (user.role === 'analyst') throw notFound('Conversation not found')
  const db = await useDb()
  const [row] = await db.select({
    conversation: conversations,
    memberUserId: conversationMembers.userId,
    lastReadSeq: conversationMembers.lastReadSeq,
    projectRole: projectMembers.role
  }).from(conversations)
    .leftJoin(conversationMembers, and(
      eq(conversationMembers.conversationId, conversations.id),
      eq(conversationMembers.userId, user.id),
      isNull(conversationMembers.leftAt)))
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, conversations.projectId), eq(projectMembers.userId, user.id)))
    .where(eq(conversations.id, conversationId))
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

/** Any change (send, edit, reaction) is refused in locked or archived conversations (423). */
export function requireActive(access: ConversationAccess) {
  if (access.conversation.status !== 'active') throw apiError('conversation_locked', `Conversation is ${access.conversation.status}`)
}

/** Posting: the conversation is active, and announcements take posts from staff, owners and admins only. */
export function requireWritable(access: ConversationAccess, user: AuthUser) {
  requireActive(access)
  if (access.conversation.kind === 'announcement' && access.projectRole === 'client' && user.role !== 'admin') {
    throw apiError('forbidden', 'Only staff can post in announcements')
  }
}
