import { and, asc, eq, gt, gte, inArray, lte, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { files, messageEdits, messages, reactions, users } from '#server/db/schema'
import { useDb } from '#server/adapters/database/use-database'

/** A user as exports name them: the stable id, and the display name at export time. */
export interface UserRef { id: string, displayName: string | null }

export interface ExportFile { id: string, fileName: string, size: number, mimeType: string, sha256: string | null, status: string }

export interface ExportMessage {
  id: string
  seq: number
  type: string
  clientId: string
  replyToId: string | null
  sender: UserRef
  content: string
  mentions: string[]
  createdAt: string
  editedAt: string | null
  deleted: boolean
  deletedAt: string | null
  deletedBy: UserRef | null
  deleteReason: string | null
  edits: { previousContent: string, editedAt: string, editedBy: UserRef }[]
  reactions: { emoji: string, users: UserRef[] }[]
  files: ExportFile[]
}

/**
 * What one export reads. `untilSeq` is the conversation's last seq when the export started: pages are read
 * without a transaction, so this keeps messages sent meanwhile out, and every entry of a zip covers one set.
 */
export interface ExportRange { conversationId: string, untilSeq: number, from?: Date, to?: Date }

export type StoredFile = ExportFile & { storageKey: string }

type Db = Awaited<ReturnType<typeof useDb>>
type MessageRow = typeof messages.$inferSelect

export const BATCH_SIZE = 500

const deleter = alias(users, 'deleter')

function inRange(range: ExportRange) {
  return and(
    eq(messages.conversationId, range.conversationId),
    lte(messages.seq, range.untilSeq),
    range.from ? gte(messages.createdAt, range.from) : undefined,
    range.to ? lte(messages.createdAt, range.to) : undefined
  )
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const k = key(row)
    const group = groups.get(k)
    if (group) group.push(row)
    else groups.set(k, [row])
  }
  return groups
}

async function hydrate(db: Db, rows: { message: MessageRow, senderName: string, deleterName: string | null }[]): Promise<ExportMessage[]> {
  const ids = rows.map(r => r.message.id)
  const [edits, reactionRows, fileRows] = await Promise.all([
    db.select({ messageId: messageEdits.messageId, previousContent: messageEdits.previousContent, editedAt: messageEdits.editedAt, userId: messageEdits.editedBy, displayName: users.displayName })
      .from(messageEdits).innerJoin(users, eq(users.id, messageEdits.editedBy))
      .where(inArray(messageEdits.messageId, ids)).orderBy(asc(messageEdits.editedAt), asc(messageEdits.id)),
    db.select({ messageId: reactions.messageId, emoji: reactions.emoji, userId: reactions.userId, displayName: users.displayName })
      .from(reactions).innerJoin(users, eq(users.id, reactions.userId))
      .where(inArray(reactions.messageId, ids)).orderBy(asc(reactions.createdAt), asc(reactions.emoji), asc(reactions.userId)),
    db.select({ id: files.id, messageId: files.messageId, fileName: files.fileName, size: files.size, mimeType: files.mimeType, sha256: files.sha256, status: files.status })
      .from(files).where(inArray(files.messageId, ids)).orderBy(asc(files.createdAt), asc(files.id))
  ])
  const editsOf = groupBy(edits, e => e.messageId)
  const reactionsOf = groupBy(reactionRows, r => r.messageId)
  const filesOf = groupBy(fileRows, f => f.messageId!)
  return rows.map(({ message: m, senderName, deleterName }) => ({
    id: m.id,
    seq: m.seq,
    type: m.type,
    clientId: m.clientId,
    replyToId: m.replyToId,
    sender: { id: m.senderId, displayName: senderName },
    content: m.content,
    mentions: m.mentions,
    createdAt: m.createdAt.toISOString(),
    editedAt: m.editedAt?.toISOString() ?? null,
    deleted: m.deletedAt !== null,
    deletedAt: m.deletedAt?.toISOString() ?? null,
    deletedBy: m.deletedBy ? { id: m.deletedBy, displayName: deleterName } : null,
    deleteReason: m.deleteReason,
    edits: (editsOf.get(m.id) ?? []).map(e => ({ previousContent: e.previousContent, editedAt: e.editedAt.toISOString(), editedBy: { id: e.userId, displayName: e.displayName } })),
    reactions: [...groupBy(reactionsOf.get(m.id) ?? [], r => r.emoji)].map(([emoji, list]) => ({ emoji, users: list.map(r => ({ id: r.userId, displayName: r.displayName })) })),
    files: (filesOf.get(m.id) ?? []).map(({ messageId: _, ...file }) => file)
  }))
}

/**
 * The range's messages in seq order, `batchSize` at a time, with their edits, reactions and files. Keyset pages
 * on (conversation_id, seq) rather than a server-side cursor: a cursor needs a transaction held for the whole
 * download, which on PGlite (one connection) would stall every other request, and on Postgres pins a connection.
 */
export async function* readMessageBatches(range: ExportRange, batchSize = BATCH_SIZE): AsyncGenerator<ExportMessage[]> {
  const db = await useDb()
  let after: number | undefined
  for (;;) {
    const rows = await db.select({ message: messages, senderName: users.displayName, deleterName: deleter.displayName })
      .from(messages)
      .innerJoin(users, eq(users.id, messages.senderId))
      .leftJoin(deleter, eq(deleter.id, messages.deletedBy))
      .where(and(inRange(range), after === undefined ? undefined : gt(messages.seq, after)))
      .orderBy(asc(messages.seq)).limit(batchSize)
    if (rows.length > 0) yield await hydrate(db, rows)
    if (rows.length < batchSize) return
    after = rows.at(-1)!.message.seq
  }
}

/** The files attached to the range's messages, in message order, with the storage keys of their bytes. */
export async function* readFileBatches(range: ExportRange, batchSize = BATCH_SIZE): AsyncGenerator<StoredFile[]> {
  const db = await useDb()
  let after: { seq: number, id: string } | undefined
  for (;;) {
    const rows = await db.select({
      seq: messages.seq, id: files.id, fileName: files.fileName, size: files.size, mimeType: files.mimeType,
      sha256: files.sha256, status: files.status, storageKey: files.storageKey
    }).from(files).innerJoin(messages, eq(messages.id, files.messageId))
      .where(and(inRange(range), eq(files.conversationId, range.conversationId),
        after ? sql`(${messages.seq}, ${files.id}) > (${after.seq}::int, ${after.id}::uuid)` : undefined))
      .orderBy(asc(messages.seq), asc(files.id)).limit(batchSize)
    if (rows.length > 0) yield rows.map(({ seq: _, ...file }) => file)
    if (rows.length < batchSize) return
    after = { seq: rows.at(-1)!.seq, id: rows.at(-1)!.id }
  }
}
