import { and, eq } from 'drizzle-orm'
import type { H3Event } from 'h3'
import type { z } from 'zod'
import { uuidv7 } from 'uuidv7'
import { files, messages } from '../../db/schema'
import type { CreateFileBody } from '../../../shared/schemas/files'
import { isAllowedFileType } from '../../../shared/files'
import type { FileInfo } from '../../../shared/types'
import { useDb } from '../../adapters/database/use-database'
import { useObjectStorage } from '../../adapters/storage/use-storage'
import type { SignedUpload } from '../../adapters/storage/storage'
import { consumeRate } from '../../adapters/rate-limit'
import { useConfig } from '../../platform/config'
import { apiError, conflict, forbidden, notFound } from '../../platform/errors'
import { useJobs } from '../../platform/jobs/use-jobs'
import type { AuthUser } from '../auth/users'
import { requireConversation, requireWritable } from '../conversations/access'
import { publishFileUpdated } from '../events/publish'
import { servedContentType, toFileInfo, toFileView } from './views'
import type { FileRow } from './views'

export const SCAN_JOB = 'files.scan'

/**
 * Where the signed PUT writes. complete() moves the bytes to the file's own key, which no signed URL points
 * at, before anything reads them: a second PUT through the still-valid URL (stores that ignore If-None-Match,
 * like Supabase Storage) can only write a new orphan under this key, never swap what was scanned.
 */
export const uploadKey = (storageKey: string) => `${storageKey}.upload`

/**
 * POST /conversations/:id/files: reserves a file and signs a direct upload for exactly its size and type.
 * Checked here, before any byte moves: the caller may post, the type is allow-listed, the size within
 * FILE_MAX_BYTES, and the hourly upload budget. The bytes never pass through the JSON API.
 */
export async function createUpload(user: AuthUser, conversationId: string, body: z.output<typeof CreateFileBody>, event?: H3Event): Promise<{ file: FileInfo, upload: SignedUpload }> {
  const access = await requireConversation(user, conversationId)
  requireWritable(access, user)
  const { limits } = useConfig()
  if (body.size > limits.fileMaxBytes) {
    throw apiError('payload_too_large', `Files may be at most ${limits.fileMaxBytes} bytes`, { maxBytes: limits.fileMaxBytes })
  }
  if (!isAllowedFileType(body.mimeType)) throw apiError('unsupported_media_type', `Files of type ${body.mimeType} are not accepted`)
  await consumeRate('upload', user.id, [[limits.uploadsPerHour, 3600]], event)

  const id = uuidv7()
  const storageKey = `${access.conversation.projectId}/${conversationId}/${id}`
  const storage = useObjectStorage()
  const upload = await storage.signedUploadUrl(uploadKey(storageKey), { contentType: body.mimeType, maxBytes: body.size })
  const db = await useDb()
  const [row] = await db.insert(files).values({
    id, conversationId, uploaderId: user.id, fileName: body.fileName, size: body.size, mimeType: body.mimeType,
    storageKey, status: 'pending_upload', uploadExpiresAt: upload.expiresAt
  }).returning()
  return { file: toFileInfo(row!), upload }
}

/**
 * A file the caller may see: in a conversation they read, and either attached to a message that is not
 * deleted (admins see those too) or their own upload not yet attached. Anything else is 404.
 */
async function requireVisibleFile(user: AuthUser, fileId: string): Promise<FileRow> {
  const db = await useDb()
  const [row] = await db.select().from(files).where(eq(files.id, fileId))
  if (!row) throw notFound('File not found')
  await requireConversation(user, row.conversationId).catch(() => {
    throw notFound('File not found')
  })
  if (row.messageId === null && row.uploaderId !== user.id && user.role !== 'admin') throw notFound('File not found')
  if (row.messageId !== null && user.role !== 'admin') {
    const [message] = await db.select({ deletedAt: messages.deletedAt }).from(messages).where(eq(messages.id, row.messageId))
    if (message?.deletedAt) throw notFound('File not found')
  }
  return row
}

/** Only the uploader completes or discards a file; others who can see it are told they may not (403). */
async function requireOwnFile(user: AuthUser, fileId: string): Promise<FileRow> {
  const row = await requireVisibleFile(user, fileId)
  if (row.uploaderId !== user.id) throw forbidden('Only the uploader can do this')
  return row
}

export async function enqueueScan(fileId: string) {
  await useJobs().enqueue(SCAN_JOB, { fileId }, { singletonKey: fileId })
}

/**
 * POST /files/:id/complete: the upload is in the store; the file waits for its scan (pending_scan). Idempotent:
 * completing again answers the file as it is. Too late (the signed upload expired) or nothing stored → 409.
 */
export async function completeUpload(user: AuthUser, fileId: string): Promise<{ file: FileInfo }> {
  const row = await requireOwnFile(user, fileId)
  if (row.status !== 'pending_upload') return { file: await toFileView(row) }
  if (row.uploadExpiresAt && row.uploadExpiresAt.getTime() < Date.now()) throw conflict('The upload window has closed; create the file again')
  const storage = useObjectStorage()
  // A retry after a crash between the move and the update finds the bytes at the file's key already.
  if (await storage.stat(uploadKey(row.storageKey))) await storage.move(uploadKey(row.storageKey), row.storageKey)
  else if (!(await storage.stat(row.storageKey))) throw conflict('Nothing was uploaded for this file yet')
  const db = await useDb()
  // uploadExpiresAt stays: files.sweep removes whatever a late PUT leaves under the upload key once it passes.
  const [updated] = await db.update(files).set({ status: 'pending_scan', completedAt: new Date() })
    .where(and(eq(files.id, fileId), eq(files.status, 'pending_upload'))).returning()
  // A racing complete already moved it on: answer what it is now.
  const current = updated ?? (await db.select().from(files).where(eq(files.id, fileId)))[0]!
  if (updated) await enqueueScan(fileId)
  return { file: toFileInfo(current) }
}

/** GET /files/:id: the file, and a 5-minute download URL only when it is available. */
export async function getFileDownload(user: AuthUser, fileId: string): Promise<{ file: FileInfo, downloadUrl?: string, expiresAt?: string }> {
  const row = await requireVisibleFile(user, fileId)
  const file = await toFileView(row)
  if (row.status !== 'available') return { file }
  const download = await useObjectStorage().signedDownloadUrl(row.storageKey, { fileName: row.fileName, contentType: servedContentType(row.mimeType) })
  return { file, downloadUrl: download.url, expiresAt: download.expiresAt.toISOString() }
}

/** DELETE /files/:id: the uploader drops a file not yet attached to a message (a cancelled or removed upload). */
export async function discardUpload(user: AuthUser, fileId: string): Promise<void> {
  const row = await requireOwnFile(user, fileId)
  if (row.messageId !== null) throw conflict('This file is part of a message; delete the message instead')
  const db = await useDb()
  const [gone] = await db.delete(files).where(and(eq(files.id, fileId), eq(files.uploaderId, user.id))).returning()
  if (gone) await removeStoredObjects(gone)
}

/** Removes a file's bytes and preview from the store; a missing object is not an error. */
export async function removeStoredObjects(row: Pick<FileRow, 'storageKey' | 'thumbnailKey'>) {
  const storage = useObjectStorage()
  await storage.delete(row.storageKey)
  await storage.delete(uploadKey(row.storageKey))
  if (row.thumbnailKey) await storage.delete(row.thumbnailKey)
}

/** file:updated to whoever can see the file: the conversation once it is attached, else its uploader alone. */
export async function announceFile(row: FileRow) {
  publishFileUpdated(await toFileView(row), row.uploaderId)
}
