import { and, desc, eq } from 'drizzle-orm'
import { conversations, files, messages, users } from '#server/db/schema'
import { useDb } from '#server/adapters/database/use-database'
import { notFound } from '#server/platform/errors'
import { appendAudit } from '#server/domain/audit/audit'
import type { AuthUser } from '#server/domain/auth/users'
import { commitChange } from '#server/domain/events/commit'
import { hydrateMessages } from '#server/domain/messages/views'
import { removeStoredObjects } from '#server/domain/files/files'
import { toFileInfo } from '#server/domain/files/views'
import { afterCursor, encodeCursor } from './paging'

export interface FileFilters {
  status: 'pending_upload' | 'pending_scan' | 'available' | 'blocked'
  projectId?: string
  cursor?: string
  limit: number
}

/**
 * GET /admin/files: files by status, newest first (the quarantine is status=blocked), with the scan verdict
 * and who uploaded them. Every view is audit-logged: the list names files people may not have meant for admins.
 */
export async function listFiles(admin: AuthUser, filters: FileFilters) {
  const db = await useDb()
  const rows = await db.select({
    file: files, projectId: conversations.projectId, conversationTitle: conversations.title,
    uploader: { id: users.id, displayName: users.displayName, email: users.email }
  }).from(files)
    .innerJoin(conversations, eq(conversations.id, files.conversationId))
    .innerJoin(users, eq(users.id, files.uploaderId))
    .where(and(
      eq(files.status, filters.status),
      filters.projectId ? eq(conversations.projectId, filters.projectId) : undefined,
      afterCursor(filters.cursor, files)
    ))
    .orderBy(desc(files.createdAt), desc(files.id)).limit(filters.limit + 1)
  const page = rows.slice(0, filters.limit)
  await appendAudit(db, {
    actorId: admin.id, action: 'files.view', targetType: 'file', projectId: filters.projectId ?? null,
    details: { status: filters.status, count: page.length, fileIds: page.map(r => r.file.id) }
  })
  return {
    files: page.map(r => ({
      ...toFileInfo(r.file),
      projectId: r.projectId,
      conversationTitle: r.conversationTitle,
      uploader: r.uploader,
      scanDetail: r.file.scanDetail,
      scannedAt: r.file.scannedAt?.toISOString() ?? null
    })),
    nextCursor: rows.length > filters.limit ? encodeCursor(page.at(-1)!.file) : null
  }
}

/**
 * DELETE /admin/files/:id: removes a file for good: its row, its bytes and its preview. A file in a message
 * changes that message, so the removal is sequenced as a `message:updated` every member receives.
 */
export async function deleteFileForGood(admin: AuthUser, fileId: string, reason: string) {
  const db = await useDb()
  const [row] = await db.select({ file: files, projectId: conversations.projectId }).from(files)
    .innerJoin(conversations, eq(conversations.id, files.conversationId)).where(eq(files.id, fileId))
  if (!row) throw notFound('File not found')
  const { file } = row
  const audit = {
    actorId: admin.id, action: 'file.delete', targetType: 'file', targetId: fileId, projectId: row.projectId, reason,
    details: { conversationId: file.conversationId, messageId: file.messageId, fileName: file.fileName, sha256: file.sha256, status: file.status, blockedReason: file.blockedReason }
  }
  if (file.messageId) {
    const messageId = file.messageId
    await commitChange(file.conversationId, {}, async (tx) => {
      await tx.delete(files).where(eq(files.id, fileId))
      await appendAudit(tx, audit)
      const [message] = await hydrateMessages(tx, await tx.select().from(messages).where(eq(messages.id, messageId)), admin)
      return { result: null, change: { type: 'message:updated', data: { message: message! } }, detail: { fileRemovedBy: admin.id, fileId } }
    })
  } else {
    await db.transaction(async (tx) => {
      await tx.delete(files).where(eq(files.id, fileId))
      await appendAudit(tx, audit)
    })
  }
  await removeStoredObjects(file)
}
