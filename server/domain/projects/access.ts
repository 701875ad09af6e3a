import { and, eq } from 'drizzle-orm'
import { projectMembers, projects } from '../../db/schema'
import { useDb } from '../../adapters/database/use-database'
import { apiError, notFound } from '../../platform/errors'
import type { AuthUser } from '../auth/users'

export type ProjectRole = 'owner' | 'staff' | 'client'

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
