import { and, desc, eq, ilike, isNull, sql } from 'drizzle-orm'
import { conversationMembers, conversations, projects } from '#server/db/schema'
import { useDb } from '#server/adapters/database/use-database'
import type { ConversationStatus } from '#server/domain/conversations/access'
import { toConversation } from '#server/domain/conversations/views'
import { afterCursor, containsPattern, encodeCursor } from './paging'

export interface ConversationFilters {
  projectId?: string
  userId?: string
  status?: ConversationStatus
  q?: string
  cursor?: string
  limit: number
}

/** GET /admin/conversations: every conversation on the platform, by project, participant, status or title. */
export async function listAllConversations(filters: ConversationFilters) {
  const db = await useDb()
  const memberCount = sql<number>`(select count(*)::int from ${conversationMembers} cm where cm.conversation_id = ${conversations.id} and cm.left_at is null)`
  const rows = await db.select({ conversation: conversations, projectName: projects.name, memberCount })
    .from(conversations).innerJoin(projects, eq(projects.id, conversations.projectId))
    .where(and(
      filters.projectId ? eq(conversations.projectId, filters.projectId) : undefined,
      filters.status ? eq(conversations.status, filters.status) : undefined,
      filters.q ? ilike(conversations.title, containsPattern(filters.q)) : undefined,
      filters.userId
        ? sql`exists (select 1 from ${conversationMembers} where ${conversationMembers.conversationId} = ${conversations.id}
            and ${conversationMembers.userId} = ${filters.userId} and ${isNull(conversationMembers.leftAt)})`
        : undefined,
      afterCursor(filters.cursor, conversations)
    ))
    .orderBy(desc(conversations.createdAt), desc(conversations.id)).limit(filters.limit + 1)
  const page = rows.slice(0, filters.limit)
  return {
    conversations: page.map(r => ({ ...toConversation(r.conversation), projectName: r.projectName, memberCount: Number(r.memberCount) })),
    nextCursor: rows.length > filters.limit ? encodeCursor(page.at(-1)!.conversation) : null
  }
}
