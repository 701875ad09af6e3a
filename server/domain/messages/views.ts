import { asc, eq, inArray, sql } from 'drizzle-orm'
import type { Executor } from '../../adapters/database/database'
import { preparedQuery, useDatabaseHandle, useDb } from '../../adapters/database/use-database'
import { files, messages, reactions } from '../../db/schema'
import type { FileInfo, Message, Reaction } from '../../../shared/types'
import { toFileView } from '../files/views'
import { notFound } from '../../platform/errors'
import { HISTORY_PAGE_SQL, readPage } from './history-page'
import type { PageEntry } from './history-page'

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

// The hot reads are prepared (constant text, the message ids as one uuid[] parameter instead of an IN list whose
// text changes with the page), so neither Drizzle nor Postgres builds or plans them again per request. Inside a
// transaction the same queries run unprepared.
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

/** Reactions as the wire shows them: one entry per emoji in order of its first reaction, with who reacted. */
function groupReactions(pairs: Iterable<readonly [emoji: string, userId: string]>): Reaction[] {
  const emojis = new Map<string, string[]>()
  for (const [emoji, userId] of pairs) {
    const userIds = emojis.get(emoji)
    if (userIds) userIds.push(userId)
    else emojis.set(emoji, [userId])
  }
  return [...emojis].map(([emoji, userIds]) => ({ emoji, count: userIds.length, userIds }))
}

/** File rows as wire FileInfo by message. Preview URLs are signed locally (no I/O), all at once. */
async function fileViewsByMessage(fileRows: Array<typeof files.$inferSelect>): Promise<Map<string, FileInfo[]>> {
  const byMessage = new Map<string, FileInfo[]>()
  for (const f of await Promise.all(fileRows.map(toFileView))) byMessage.set(f.messageId!, [...(byMessage.get(f.messageId!) ?? []), f])
  return byMessage
}

/** Serializes message rows with their reactions and files in two extra queries, whatever the page size. */
export async function hydrateMessages(db: Executor, rows: MessageRow[], viewer: Viewer): Promise<Message[]> {
  if (rows.length === 0) return []
  const [reactionRows, fileRows] = await reactionsAndFilesOf(db, rows.map(r => r.id))
  const pairsByMessage = new Map<string, Array<[string, string]>>()
  for (const r of reactionRows) pairsByMessage.set(r.messageId, [...(pairsByMessage.get(r.messageId) ?? []), [r.emoji, r.userId]])
  const filesByMessage = await fileViewsByMessage(fileRows)
  return rows.map(row => toMessage(row, viewer, groupReactions(pairsByMessage.get(row.id) ?? []), filesByMessage.get(row.id) ?? []))
}

export async function getMessageView(db: Executor, messageId: string, viewer: Viewer): Promise<Message | undefined> {
  const rows = await db.select().from(messages).where(eq(messages.id, messageId))
  return (await hydrateMessages(db, rows, viewer))[0]
}

/** A page's entries as wire Messages: files read only for the messages that have any. */
async function pageMessages(conversationId: string, entries: PageEntry[], viewer: Viewer): Promise<Message[]> {
  const withFiles = entries.filter(e => e[12]).map(e => e[0])
  const filesByMessage = await fileViewsByMessage(withFiles.length ? await (await filesOfMessages()).execute({ ids: withFiles }) : [])
  return entries.map(([id, seq, senderId, clientId, type, content, replyToId, mentions, createdMs, editedMs, deletedMs, pairs]) => {
    const row: MessageRow = {
      id, conversationId, seq, senderId, clientId, type, content, replyToId, mentions, metadata: {},
      createdAt: new Date(createdMs), editedAt: editedMs === null ? null : new Date(editedMs),
      deletedAt: deletedMs === null ? null : new Date(deletedMs), deletedBy: null, deleteReason: null
    }
    return toMessage(row, viewer, groupReactions(pairs ?? []), filesByMessage.get(id) ?? [])
  })
}

/**
 * History by seq (keyset on (conversation_id, seq): a page 100,000 deep reads as few rows as the newest, see
 * docs/operations.md "History at 10 million messages"), always returned ascending, for a caller who may read the
 * conversation (else 404, as requireConversation answers). One statement (./history-page.ts) checks the caller and
 * reads the page, plus one for the files of the messages that have any.
 */
export async function listHistory(conversationId: string, query: { before?: number, after?: number, limit: number }, viewer: Viewer) {
  if (viewer.role === 'analyst') throw notFound('Conversation not found')
  const take = query.limit + 1
  const caller = [conversationId, viewer.id, viewer.role === 'admin']
  const handle = await useDatabaseHandle()
  const { rows: [row] } = query.after !== undefined
    ? await handle.hotQuery(HISTORY_PAGE_SQL.after, [...caller, query.after, take])
    : query.before !== undefined
      ? await handle.hotQuery(HISTORY_PAGE_SQL.before, [...caller, query.before, take])
      : await handle.hotQuery(HISTORY_PAGE_SQL.newest, [...caller, take])
  const page = readPage(row)
  if (!page.allowed) throw notFound('Conversation not found')
  let entries = page.entries
  const hasMore = entries.length > query.limit
  // Ascending either way: the extra row is the oldest of a backward page, the newest of a forward one.
  if (hasMore) entries = query.after !== undefined ? entries.slice(0, query.limit) : entries.slice(1)
  return { messages: await pageMessages(conversationId, entries, viewer), hasMore }
}
