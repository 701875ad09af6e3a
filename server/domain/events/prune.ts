import { eq, lt, sql } from 'drizzle-orm'
import { conversationEvents, conversations } from '../../db/schema'
import type { Executor } from '../../adapters/database/database'

/**
 * Retention: drops events older than the cutoff and records how far each conversation was pruned, so a
 * client asking for anything before that gets `reset` instead of a silent gap.
 */
export async function pruneEvents(db: Executor, olderThan: Date): Promise<number> {
  const pruned = await db.delete(conversationEvents).where(lt(conversationEvents.createdAt, olderThan))
    .returning({ conversationId: conversationEvents.conversationId, seq: conversationEvents.seq })
  const maxByConversation = new Map<string, number>()
  for (const p of pruned) maxByConversation.set(p.conversationId, Math.max(p.seq, maxByConversation.get(p.conversationId) ?? 0))
  for (const [conversationId, seq] of maxByConversation) {
    await db.update(conversations).set({ prunedSeq: sql`greatest(${conversations.prunedSeq}, ${seq})` })
      .where(eq(conversations.id, conversationId))
  }
  return pruned.length
}
