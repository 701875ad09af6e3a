import { eq } from 'drizzle-orm'
import type { Executor } from '../../adapters/database/database'
import { conversations } from '../../db/schema'
import type { Conversation } from '../../../shared/types'

type ConversationRow = typeof conversations.$inferSelect

export function toConversation(row: ConversationRow, counts: { unreadCount: number, mentionCount: number } = { unreadCount: 0, mentionCount: 0 }): Conversation {
  return {
    id: row.id, projectId: row.projectId, title: row.title, kind: row.kind, status: row.status, lastSeq: row.lastSeq,
    lastMessageAt: row.lastMessageAt?.toISOString() ?? null, unreadCount: counts.unreadCount, mentionCount: counts.mentionCount,
    createdAt: row.createdAt.toISOString()
  }
}

/** The conversation as seen inside a write (lastSeq set to the seq being written). */
export async function loadConversation(db: Executor, conversationId: string, seq?: number): Promise<Conversation> {
  const [row] = await db.select().from(conversations).where(eq(conversations.id, conversationId))
  return toConversation({ ...row!, lastSeq: seq ?? row!.lastSeq })
}
