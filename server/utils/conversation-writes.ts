import { and, eq, sql } from 'drizzle-orm'
import type { Transaction } from '../db/client'
import { conversationEvents, conversations } from '../db/schema'
import type { ConversationEventType } from '../../shared/types'
import { useDb } from './db'
import { apiError } from './errors'

export interface ConversationChange {
  type: ConversationEventType
  messageId?: string | null
  payload?: Record<string, unknown>
}

/** Thrown inside a write to roll it back (and release the seq it took) without it being an error. */
export class AbortWrite<T> extends Error {
  constructor(readonly value: T) {
    super('write aborted')
  }
}

export interface CommittedChange<T> { result: T, seq: number, type: ConversationEventType }

/**
 * The write path (docs/architecture.md): one short transaction that takes the conversation's next seq under
 * its row lock, lets `apply` write the projection, and appends the event with that seq. A rollback undoes
 * the increment, so seqs have no gaps and no reuse however many writers race. `activeOnly` refuses writes
 * to locked/archived conversations atomically with taking the seq.
 */
export async function writeConversationChange<T>(
  conversationId: string,
  options: { activeOnly: boolean, touchLastMessage?: boolean },
  apply: (tx: Transaction, seq: number) => Promise<{ result: T, change: ConversationChange }>
): Promise<CommittedChange<T>> {
  const db = await useDb()
  return db.transaction(async (tx) => {
    const [taken] = await tx.update(conversations)
      .set({
        lastSeq: sql`${conversations.lastSeq} + 1`,
        ...(options.touchLastMessage ? { lastMessageAt: sql`now()` } : {})
      })
      .where(options.activeOnly
        ? and(eq(conversations.id, conversationId), eq(conversations.status, 'active'))
        : eq(conversations.id, conversationId))
      .returning({ seq: conversations.lastSeq })
    if (!taken) throw apiError('conversation_locked', 'Conversation is not active')
    const { result, change } = await apply(tx, taken.seq)
    await tx.insert(conversationEvents).values({
      conversationId,
      seq: taken.seq,
      type: change.type,
      messageId: change.messageId ?? null,
      payload: change.payload ?? {}
    })
    return { result, seq: taken.seq, type: change.type }
  })
}

/** Postgres unique_violation, from postgres.js or PGlite, wrapped by Drizzle or not. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === '23505') return true
  }
  return false
}
