import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm'
import type { Executor } from '../../adapters/database/database'
import { preparedQuery, useDb } from '../../adapters/database/use-database'
import { files, messages, reactions } from '../../db/schema'
import type { FileInfo, Message, Reaction } from '../../../shared/types'
import { toFileView } from '../files/views'

type MessageRow = typeof messages.$inferSelect

export interface Viewer { id: string, role: string }

/** The wire Message: deleted messages lose their content for everyone but admins (contract §4). */
export function toMessage(row: MessageRow, viewer: Viewer, reactionList: Reaction[] = [], fileList: FileInfo[] = []): Message {
  const hidden = row.deletedAt !== null && viewer.role !== 'admin'
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    senderId: row.senderId,
    clientId: row.clientId,
    type: row.type,
    content: hidden ? null : row.content,
    replyToId: row.replyToId,
    files: hidden ? [] : fileList,
    reactions: hidden ? [] : reactionList,
    mentions: row.mentions,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null
  }
}

// A page of history is the hottest read: its three statements are prepared (constant text, the message ids as
// one uuid[] parameter instead of an IN list whose text changes with the page), so neither Drizzle nor Postgres
// builds or plans them again per request. Inside a transaction the same queries run unprepared.
const reactionsOfMessages = preparedQuery(db => db.select({ messageId: reactions.messageId, emoji: reactions.emoji, userId: reactions.userId })
  .from(reactions).where(sql`${reactions.messageId} = any(${sql.placeholder('ids')}::uuid[])`).orderBy(asc(reactions.createdAt))
  .prepare('reactions_of_messages'))
const filesOfMessages = preparedQuery(db => db.select().from(files)
  .where(sql`${files.messageId} = any(${sql.placeholder('ids')}::uuid[])`).orderBy(asc(files.createdAt))
  .prepare('files_of_messages'))

async function reactionsAndFilesOf(db: Executor, ids: string[]) {
  if (db === await useDb()) return Promise.all([(await reactionsOfMessages()).execute({ ids }), (await filesOfMessages()).execute({ ids })])
  return Promise.all([
    db.select({ messageId: reactions.messageId, emoji: reactions.emoji, userId: reactions.userId }).from(reactions)
      .where(inArray(reactions.messageId, ids)).orderBy(asc(reactions.createdAt)),
    db.select().from(files).where(inArray(files.messageId, ids)).orderBy(asc(files.createdAt))
  ])
}

/** Serializes message rows with their reactions and files in two extra queries, whatever the page size. */
export async function hydrateMessages(db: Executor, rows: MessageRow[], viewer: Viewer): Promise<Message[]> {
  if (rows.length === 0) return []
  const ids = rows.map(r => r.id)
  const [reactionRows, fileRows] = await reactionsAndFilesOf(db, ids)
  const byMessage = new Map<string, Map<string, string[]>>()
  for (const r of reactionRows) {
    const emojis = byMessage.get(r.messageId) ?? new Map<string, string[]>()
    emojis.set(r.emoji, [...(emojis.get(r.emoji) ?? []), r.userId])
    byMessage.set(r.messageId, emojis)
  }
  // Preview URLs are signed locally (no I/O), all at once rather than one await per file.
  const fileViews = await Promise.all(fileRows.map(toFileView))
  const filesByMessage = new Map<string, FileInfo[]>()
  for (const f of fileViews) filesByMessage.set(f.messageId!, [...(filesByMessage.get(f.messageId!) ?? []), f])
  return rows.map((row) => {
    const reactionList = [...(byMessage.get(row.id) ?? new Map()).entries()]
      .map(([emoji, userIds]) => ({ emoji, count: userIds.length, userIds }))
    return toMessage(row, viewer, reactionList, filesByMessage.get(row.id) ?? [])
  })
}

export async function getMessageView(db: Executor, messageId: string, viewer: Viewer): Promise<Message | undefined> {
  const rows = await db.select().from(messages).where(eq(messages.id, messageId))
  return (await hydrateMessages(db, rows, viewer))[0]
}

const newestPage = preparedQuery(db => db.select().from(messages)
  .where(eq(messages.conversationId, sql.placeholder('conversationId')))
  .orderBy(desc(messages.seq)).limit(sql.placeholder('take')).prepare('history_newest'))
const pageBefore = preparedQuery(db => db.select().from(messages)
  .where(and(eq(messages.conversationId, sql.placeholder('conversationId')), lt(messages.seq, sql.placeholder('seq'))))
  .orderBy(desc(messages.seq)).limit(sql.placeholder('take')).prepare('history_before'))
const pageAfter = preparedQuery(db => db.select().from(messages)
  .where(and(eq(messages.conversationId, sql.placeholder('conversationId')), gt(messages.seq, sql.placeholder('seq'))))
  .orderBy(asc(messages.seq)).limit(sql.placeholder('take')).prepare('history_after'))

/**
 * History by seq (keyset on (conversation_id, seq): a page 100,000 deep reads as few rows as the newest, see
 * docs/operations.md "History at 10 million messages"), always returned ascending.
 */
export async function listHistory(conversationId: string, query: { before?: number, after?: number, limit: number }, viewer: Viewer) {
  const take = query.limit + 1
  let rows: MessageRow[]
  if (query.after !== undefined) rows = await (await pageAfter()).execute({ conversationId, seq: query.after, take })
  else if (query.before !== undefined) rows = await (await pageBefore()).execute({ conversationId, seq: query.before, take })
  else rows = await (await newestPage()).execute({ conversationId, take })
  const hasMore = rows.length > query.limit
  rows = rows.slice(0, query.limit)
  if (query.after === undefined) rows.reverse()
  return { messages: await hydrateMessages(await useDb(), rows, viewer), hasMore }
}
