import { and, asc, eq, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { blocks, projectMembers, users } from '../../db/schema'
import { useDb } from '../../adapters/database/use-database'
import { apiError, notFound } from '../../platform/errors'
import type { AuthUser } from '../auth/users'

/** Someone the caller may block: a person they share a project with (anyone else is a foreign id: 404). */
async function requireSharedProject(user: AuthUser, otherId: string) {
  const db = await useDb()
  const theirs = alias(projectMembers, 'theirs')
  const [shared] = await db.select({ one: sql`1` }).from(projectMembers)
    .innerJoin(theirs, and(eq(theirs.projectId, projectMembers.projectId), eq(theirs.userId, otherId)))
    .where(eq(projectMembers.userId, user.id)).limit(1)
  if (!shared) throw notFound('User not found')
}

/** GET /blocks: the people the caller blocked. */
export async function listBlocks(user: AuthUser) {
  const db = await useDb()
  const rows = await db.select({ userId: blocks.blockedId, displayName: users.displayName, handle: users.handle, createdAt: blocks.createdAt })
    .from(blocks).innerJoin(users, eq(users.id, blocks.blockedId))
    .where(eq(blocks.blockerId, user.id)).orderBy(asc(users.displayName))
  return { blocks: rows.map(r => ({ ...r, createdAt: r.createdAt.toISOString() })) }
}

/** Blocks a person: DMs between the two are refused both ways with the neutral `undeliverable`. Idempotent. */
export async function blockUser(user: AuthUser, otherId: string) {
  if (otherId === user.id) throw apiError('validation_failed', 'You cannot block yourself', { issues: [{ path: 'userId', message: 'not yourself' }] })
  await requireSharedProject(user, otherId)
  const db = await useDb()
  const [created] = await db.insert(blocks).values({ blockerId: user.id, blockedId: otherId }).onConflictDoNothing().returning()
  return { block: { userId: otherId }, created: Boolean(created) }
}

/** Lifts a block the caller set; 404 when there is none. */
export async function unblockUser(user: AuthUser, otherId: string) {
  const db = await useDb()
  const removed = await db.delete(blocks).where(and(eq(blocks.blockerId, user.id), eq(blocks.blockedId, otherId))).returning()
  if (removed.length === 0) throw notFound('Block not found')
  return { ok: true }
}
