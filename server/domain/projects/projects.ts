import { and, asc, eq, sql } from 'drizzle-orm'
import { projectMembers, projects } from '../../db/schema'
import { useDb } from '../../adapters/database/use-database'
import { isUniqueViolation } from '../../adapters/database/errors'
import { conflict } from '../../platform/errors'
import { appendAudit } from '../audit/audit'
import type { AuthUser } from '../auth/users'

/** Projects the caller is a member of (admins: every project). */
export async function listProjects(user: AuthUser) {
  const db = await useDb()
  const rows = await db.select({ id: projects.id, slug: projects.slug, name: projects.name, role: projectMembers.role })
    .from(projects)
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, user.id)))
    .where(user.role === 'admin' ? undefined : sql`${projectMembers.userId} is not null`)
    .orderBy(asc(projects.name))
  return { projects: rows.map(r => ({ id: r.id, slug: r.slug, name: r.name, role: r.role ?? null })) }
}

export async function createProject(user: AuthUser, body: { name: string, slug: string }) {
  const db = await useDb()
  try {
    const project = await db.transaction(async (tx) => {
      const [created] = await tx.insert(projects).values(body).returning()
      await appendAudit(tx, { actorId: user.id, action: 'project.create', targetType: 'project', targetId: created!.id, projectId: created!.id, details: body })
      return created!
    })
    return { project: { id: project.id, slug: project.slug, name: project.name, role: null } }
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('A project with this slug exists')
    throw error
  }
}

/** Ids of the projects the user is a member of (their presence goes to these projects' channels). */
export async function listProjectIdsOf(userId: string): Promise<string[]> {
  const db = await useDb()
  const rows = await db.select({ projectId: projectMembers.projectId }).from(projectMembers).where(eq(projectMembers.userId, userId))
  return rows.map(r => r.projectId)
}
