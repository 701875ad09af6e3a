import { and, eq, inArray, sql } from 'drizzle-orm'
import type { PersistedChange, PersistedEvent } from '../../../shared/schemas/events'
import { conversationEvents, conversations } from '../../db/schema'
import type { Transaction } from '../../adapters/database/database'
import { useDb } from '../../adapters/database/use-database'
import { apiError } from '../../platform/errors'
import type { ConversationStatus } from '../conversations/access'
import { publishPersisted } from './publish'

/** Thrown inside a change to roll it back (and release the seq it took) without it being an error. */
export class AbortWrite<T> extends Error {
  constructor(readonly value: T) {
    super('write aborted')
  }
}

export interface CommittedChange<T> { result: T, event: PersistedEvent }

/**
 * The one place a conversation changes (docs/architecture.md, "the write path"): one short transaction takes
 * the conversation's next seq under its row lock, lets `apply` write the projection and name the event once,
 * appends that event with the seq, and after COMMIT publishes the very same event. A rollback undoes the
 * increment, so seqs have no gaps and no reuse however many writers race. `statuses` (default: any) refuses
 * changes to conversations in other states atomically with taking the seq, so a lock cannot slip in between.
 */
export async function commitChange<T>(
  conversationId: string,
  options: { statuses?: ConversationStatus[], touchLastMessage?: boolean },
  apply: (tx: Transaction, seq: number) => Promise<{ result: T, change: PersistedChange, detail?: Record<string, unknown> }>
): Promise<CommittedChange<T>> {
  const db = await useDb()
  const committed = await db.transaction(async (tx) => {
    const [taken] = await tx.update(conversations)
      .set({
        lastSeq: sql`${conversations.lastSeq} + 1`,
        ...(options.touchLastMessage ? { lastMessageAt: sql`now()` } : {})
      })
      .where(options.statuses
        ? and(eq(conversations.id, conversationId), inArray(conversations.status, options.statuses))
        : eq(conversations.id, conversationId))
      .returning({ seq: conversations.lastSeq })
    if (!taken) throw apiError('conversation_locked', 'Conversation is not active')
    const { result, change, detail } = await apply(tx, taken.seq)
    // A spread keeps the member's pairing of type and data; TypeScript cannot follow a union through it.
    const event = { ...change, conversationId, seq: taken.seq } as PersistedEvent
    await tx.insert(conversationEvents).values({
      conversationId,
      seq: taken.seq,
      type: event.type,
      messageId: messageIdOf(event),
      // Message events are re-read from messages when replayed (the current state as the viewer may see it),
      // so only other events keep their data; `detail` records what changed for later readers (exports).
      payload: event.type === 'conversation:updated' ? { ...event.data, ...detail } : { ...detail }
    })
    return { result, event }
  })
  publishPersisted(committed.event)
  return committed
}

function messageIdOf(event: PersistedEvent): string | null {
  if (event.type === 'message:deleted') return event.data.messageId
  if (event.type === 'message:new' || event.type === 'message:updated') return event.data.message.id
  return null
}
