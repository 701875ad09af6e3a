import { and, asc, eq, sql } from 'drizzle-orm'
import { projectMembers, projects } from '../../db/schema'
import { useDb } from '../../adapters/database/use-database'
import { isUniqueViolation } from '../../adapters/database/errors'
import { conflict } from '../../platform/errors'
import { appendAudit } from '../audit/audit'
import type { AuthUser } from '../auth/users'
import type { ProjectMembership } from './access'

// Unread messages over the caller's own conversations of the project, counted as listConversations does per
// conversation (not their own, not deleted, after their read mark, archived conversations left out).
const unreadIn = (userId: string, mentionsOnly: boolean) => sql<number>`(select count(*)::int
  from switchboard.messages m
  join switchboard.conversations c on c.id = m.conversation_id
  join switchboard.conversation_members cm on cm.conversation_id = c.id and cm.user_id = ${userId} and cm.left_at is null
  where c.project_id = ${projects.id} and c.status <> 'archived' and m.seq > cm.last_read_seq
    and m.sender_id <> ${userId} and m.deleted_at is null${mentionsOnly ? sql` and ${userId}::uuid = any(m.mentions)` : sql``})`

/** Projects the caller is a member of (admins: every project), with their unread and mention counts. */
export async function listProjects(user: AuthUser) {
  const db = await useDb()
  const rows = await db.select({
    id: projects.id, slug: projects.slug, name: projects.name, role: projectMembers.role,
    unreadCount: unreadIn(user.id, false), mentionCount: unreadIn(user.id, true)
  })
    .from(projects)
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, user.id)))
    .where(user.role === 'admin' ? undefined : sql`${projectMembers.userId} is not null`)
    .orderBy(asc(projects.name))
  return {
    projects: rows.map(r => ({
      id: r.id, slug: r.slug, name: r.name, role: r.role ?? null,
      unreadCount: Number(r.unreadCount), mentionCount: Number(r.mentionCount)
    }))
  }
}

export async function createProject(user: AuthUser, body: { name: string, slug: string }) {
  const db = await useDb()
  try {
    const project = await db.transaction(async (tx) => {
      const [created] = await tx.insert(projects).values(body).returning()
      await appendAudit(tx, { actorId: user.id, action: 'project.create', targetType: 'project', targetId: created!.id, projectId: created!.id, details: body })
      return created!
    })
    return { project: { id: project.id, slug: project.slug, name: project.name, role: null, unreadCount: 0, mentionCount: 0 } }
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('A project with this slug exists')
    throw error
  }
}

/** The projects the user is a member of, with their role (their presence goes to these projects' channels). */
export async function listMembershipsOf(userId: string): Promise<ProjectMembership[]> {
  const db = await useDb()
  return db.select({ projectId: projectMembers.projectId, role: projectMembers.role }).from(projectMembers).where(eq(projectMembers.userId, userId))
}
