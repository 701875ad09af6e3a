import { and, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm'
import { uuidv7 } from 'uuidv7'
import type { z } from 'zod'
import { blocks, conversationMembers, files, messageEdits, messages, users } from '../../db/schema'
import type { EditMessageBody, SendMessageBody } from '../../../shared/schemas/messages'
import { parseMentions } from '../../../shared/mentions'
import { graphemeLength } from '../../../shared/text'
import type { Message } from '../../../shared/types'
import { useDb } from '../../adapters/database/use-database'
import { isUniqueViolation } from '../../adapters/database/errors'
import { useConfig } from '../../platform/config'
import { consumeRate, sendRules } from '../../adapters/rate-limit'
import { apiError, conflict, notFound } from '../../platform/errors'
import type { AuthUser } from '../auth/users'
import { forgetSendAccess, requireActive, requireConversation, requireSendAccess, requireWritable, writableStatuses } from '../conversations/access'
import type { ConversationAccess } from '../conversations/access'
import { AbortWrite, commitChange } from '../events/commit'
import { getMessageView, hydrateMessages, listHistory, toMessage } from './views'
import { commitInBatch, sendBatchingEnabled } from './send-batch'

function invalid(path: string, message: string) {
  return apiError('validation_failed', message, { issues: [{ path, message }] })
}

/** Resolves @handles (and @all) to the ids of current participants; mentions of outsiders are ignored. */
export async function resolveMentions(conversationId: string, senderId: string, content: string): Promise<string[]> {
  const { handles, all } = parseMentions(content)
  if (!all && handles.length === 0) return []
  const db = await useDb()
  const rows = await db.select({ id: users.id }).from(conversationMembers)
    .innerJoin(users, eq(users.id, conversationMembers.userId))
    .where(and(
      eq(conversationMembers.conversationId, conversationId),
      isNull(conversationMembers.leftAt),
      ne(users.id, senderId),
      all ? undefined : inArray(users.handle, handles)))
  return rows.map(r => r.id)
}

/** DMs between people where either blocked the other are refused with a neutral `undeliverable`. */
async function requireDeliverable(access: ConversationAccess, senderId: string) {
  if (access.conversation.kind !== 'dm') return
  const db = await useDb()
  const [blocked] = await db.select({ one: sql`1` }).from(blocks)
    .innerJoin(conversationMembers, and(eq(conversationMembers.conversationId, access.conversation.id), ne(conversationMembers.userId, senderId)))
    .where(or(
      and(eq(blocks.blockerId, senderId), eq(blocks.blockedId, conversationMembers.userId)),
      and(eq(blocks.blockedId, senderId), eq(blocks.blockerId, conversationMembers.userId))))
    .limit(1)
  if (blocked) throw apiError('undeliverable', 'Message could not be delivered.')
}

async function findByClientId(user: AuthUser, clientId: string) {
  const db = await useDb()
  const [row] = await db.select().from(messages).where(and(eq(messages.senderId, user.id), eq(messages.clientId, clientId)))
  return row
}

async function duplicateOf(user: AuthUser, row: typeof messages.$inferSelect, conversationId: string) {
  if (row.conversationId !== conversationId) throw conflict('clientId was already used for another conversation')
  const db = await useDb()
  const [message] = await hydrateMessages(db, [row], user)
  return { message: message!, duplicate: true as const }
}

/** Sends a message: idempotent on (sender, clientId) even when retries race (unique index + rollback). */
export async function sendMessage(user: AuthUser, conversationId: string, body: z.output<typeof SendMessageBody>): Promise<{ message: Message, duplicate: boolean }> {
  // Remembered per instance: the batch checks participation itself, and a send it refuses is checked afresh below.
  const access = await requireSendAccess(user, conversationId)
  // No duplicate lookup up front (one round trip per send): the insert's unique index finds a retry, and the
  // commit answers it with the original. Only a refusal looks first, so a retry of a message that did commit
  // still gets it back when the conversation was locked, the sender is over the rate limit or its files are
  // attached (to it) since.
  let fileIds: string[]
  try {
    fileIds = await checkSend(user, access, body)
  } catch (refusal) {
    const existing = await findByClientId(user, body.clientId)
    if (existing) return duplicateOf(user, existing, conversationId)
    throw refusal
  }
  const mentions = await resolveMentions(conversationId, user.id, body.content)
  return commitNewMessage(user, conversationId, { ...body, fileIds }, mentions, async () => {
    // The batch refused it: a retry, or access that changed since it was remembered. Ask the database before
    // committing it alone (which checks only the conversation's status); 404 once the sender is out of it.
    forgetSendAccess(user.id, conversationId)
    const fresh = await requireConversation(user, conversationId)
    try {
      requireWritable(fresh, user)
    } catch (refusal) {
      const existing = await findByClientId(user, body.clientId)
      if (existing) return duplicateOf(user, existing, conversationId)
      throw refusal
    }
    return undefined
  })
}

/** Everything that may refuse a send; returns its files, deduplicated. */
async function checkSend(user: AuthUser, access: ConversationAccess, body: z.output<typeof SendMessageBody>): Promise<string[]> {
  const conversationId = access.conversation.id
  requireWritable(access, user)
  // Characters as people count them (grapheme clusters), as the schema does: 2,600 emoji are 2,600 characters.
  const maxChars = useConfig().limits.messageMaxChars
  if (body.content.length > maxChars && graphemeLength(body.content, maxChars) > maxChars) throw invalid('content', `content must be at most ${maxChars} characters`)
  await requireDeliverable(access, user.id)
  await consumeRate('send', user.id, sendRules())
  const db = await useDb()
  if (body.replyToId) {
    const [parent] = await db.select({ id: messages.id }).from(messages)
      .where(and(eq(messages.id, body.replyToId), eq(messages.conversationId, conversationId)))
    if (!parent) throw invalid('replyToId', 'replyToId is not a message of this conversation')
  }
  const fileIds = [...new Set(body.fileIds ?? [])]
  if (fileIds.length) {
    const owned = await db.select({ id: files.id }).from(files).where(and(
      inArray(files.id, fileIds), eq(files.conversationId, conversationId), eq(files.uploaderId, user.id), isNull(files.messageId),
      inArray(files.status, ['pending_scan', 'available'])))
    if (owned.length !== fileIds.length) throw invalid('fileIds', 'fileIds must be your completed uploads in this conversation')
  }
  return fileIds
}

/**
 * The insert half of a send, after every check: takes the seq, inserts, appends `message:new`. Also used by
 * the demo seed. A clientId collision (a racing retry) rolls back and returns the original as a duplicate.
 */
export async function commitNewMessage(user: AuthUser, conversationId: string,
  input: { clientId: string, content: string, type: 'text' | 'file', replyToId?: string | null, fileIds?: string[] }, mentions: string[],
  beforeCommittingAlone?: () => Promise<{ message: Message, duplicate: boolean } | undefined>) {
  const fileIds = input.fileIds ?? []
  // The common send (text, no files, not an admin's, who may also post where it is locked) joins a group commit.
  if (input.type === 'text' && !fileIds.length && user.role !== 'admin' && sendBatchingEnabled()) {
    const message = await commitInBatch({ id: uuidv7(), user, conversationId, clientId: input.clientId, content: input.content, replyToId: input.replyToId ?? null, mentions })
    if (message) return { message, duplicate: false }
    const answered = await beforeCommittingAlone?.()
    if (answered) return answered
  }
  try {
    const committed = await commitChange(conversationId, { statuses: writableStatuses(user), touchLastMessage: true }, async (tx, seq) => {
      const [row] = await tx.insert(messages).values({
        id: uuidv7(), conversationId, seq, senderId: user.id, clientId: input.clientId,
        type: input.type, content: input.content, replyToId: input.replyToId ?? null, mentions
      }).onConflictDoNothing({ target: [messages.senderId, messages.clientId] }).returning()
      // A racing retry committed first: roll back so this attempt leaves no seq and no event behind.
      if (!row) throw new AbortWrite(null)
      // A new message has no reactions yet; only attached files need a second read.
      if (fileIds.length) await tx.update(files).set({ messageId: row.id }).where(inArray(files.id, fileIds))
      const message = fileIds.length ? (await hydrateMessages(tx, [row], user))[0]! : toMessage(row, user)
      return { result: message, change: { type: 'message:new', data: { message } } }
    })
    return { message: committed.result, duplicate: false }
  } catch (error) {
    if (!(error instanceof AbortWrite) && !isUniqueViolation(error)) throw error
    const winner = await findByClientId(user, input.clientId)
    if (!winner) throw error
    return duplicateOf(user, winner, conversationId)
  }
}

/** The message and the caller's access to its conversation; 404 when either is out of reach. */
export async function requireMessage(user: AuthUser, messageId: string) {
  const db = await useDb()
  const [row] = await db.select().from(messages).where(eq(messages.id, messageId))
  if (!row) throw notFound('Message not found')
  const access = await requireConversation(user, row.conversationId).catch(() => {
    throw notFound('Message not found')
  })
  return { row, access }
}

/** Edits and deletes share one budget: each is an event at every member, like a send. */
const editRules = (): Array<[number, number]> => [[useConfig().limits.editsPerMinute, 60]]

/** Edits keep history: the previous content goes to message_edits in the same transaction. */
export async function editMessage(user: AuthUser, messageId: string, body: z.output<typeof EditMessageBody>) {
  const { row, access } = await requireMessage(user, messageId)
  if (row.senderId !== user.id) throw apiError('forbidden', 'Only the sender can edit a message')
  if (row.deletedAt) throw conflict('A deleted message cannot be edited')
  requireWritable(access, user)
  await consumeRate('edit', user.id, editRules())
  const mentions = await resolveMentions(row.conversationId, user.id, body.content)
  const committed = await commitChange(row.conversationId, { statuses: writableStatuses(user) }, async (tx) => {
    const [current] = await tx.select().from(messages).where(eq(messages.id, messageId)).for('update')
    if (!current || current.deletedAt) throw conflict('A deleted message cannot be edited')
    await tx.insert(messageEdits).values({ messageId, previousContent: current.content, editedBy: user.id })
    const [updated] = await tx.update(messages).set({ content: body.content, mentions, editedAt: sql`now()` })
      .where(eq(messages.id, messageId)).returning()
    const [message] = await hydrateMessages(tx, [updated!], user)
    return { result: message!, change: { type: 'message:updated', data: { message: message! } } }
  })
  return { message: committed.result }
}

/** Soft delete by the sender: the row stays (for admins and reports), its content is hidden from everyone else. */
export async function deleteMessage(user: AuthUser, messageId: string) {
  const { row, access } = await requireMessage(user, messageId)
  if (row.senderId !== user.id) throw apiError('forbidden', 'Only the sender can delete a message')
  if (row.deletedAt) return { message: (await getMessageView(await useDb(), messageId, user))! }
  requireActive(access, user)
  await consumeRate('edit', user.id, editRules())
  const committed = await commitChange(row.conversationId, { statuses: writableStatuses(user) }, async (tx) => {
    const [updated] = await tx.update(messages).set({ deletedAt: sql`now()`, deletedBy: user.id })
      .where(and(eq(messages.id, messageId), isNull(messages.deletedAt))).returning()
    if (!updated) throw new AbortWrite(null)
    const [message] = await hydrateMessages(tx, [updated], user)
    return { result: message!, change: { type: 'message:deleted', data: { messageId } } }
  }).catch(async (error) => {
    // Deleted by a racing request in the meantime: nothing to write, answer with the current state.
    if (!(error instanceof AbortWrite)) throw error
    return { result: (await getMessageView(await useDb(), messageId, user))! }
  })
  return { message: committed.result }
}

/** GET /conversations/:id/messages: a page of history by seq, as the caller may see it; the page's statement checks the caller itself (404 otherwise). */
export async function listMessages(user: AuthUser, conversationId: string, query: { before?: number, after?: number, limit: number }) {
  return listHistory(conversationId, query, user)
}
