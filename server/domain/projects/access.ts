import { and, eq, ne, or, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import { conversationMembers, conversations, projectMembers, projects } from '../../db/schema'
import { useDb } from '../../adapters/database/use-database'
import { apiError, notFound } from '../../platform/errors'
import type { AuthUser } from '../auth/users'

export type ProjectRole = 'owner' | 'staff' | 'client'
export interface ProjectMembership { projectId: string, role: ProjectRole }

/**
 * The caller's role in the project: admins act as owners; anyone else who is not a member gets 404, and so do
 * analysts even where they are members (they see aggregates only: no content, names or member lists).
 */
export async function requireProjectRole(user: AuthUser, projectId: string): Promise<ProjectRole> {
  if (user.role === 'analyst') throw notFound('Project not found')
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

/**
 * Which members of a project a viewer with `role` may see (contract §1: a client reads the conversations they
 * take part in, "nothing else"): owners and staff see everyone; a client sees the owners and staff, themselves,
 * and the people they share a current conversation of the project with, never the other clients. A condition
 * on `project_members` rows of `projectId`.
 */
export function visibleMembers(viewerId: string, role: ProjectRole, projectId: string): SQL | undefined {
  if (role !== 'client') return undefined
  const mine = sql`select other.user_id from ${conversationMembers} mine
    join ${conversationMembers} other on other.conversation_id = mine.conversation_id and other.left_at is null
    join ${conversations} c on c.id = mine.conversation_id
    where mine.user_id = ${viewerId} and mine.left_at is null and c.project_id = ${projectId}`
  return or(ne(projectMembers.role, 'client'), eq(projectMembers.userId, viewerId), sql`${projectMembers.userId} in (${mine})`)
}
