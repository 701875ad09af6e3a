import type { files } from '../../db/schema'
import type { FileInfo } from '../../../shared/types'
import { THUMBNAIL_TYPES } from '../../../shared/files'
import { useObjectStorage } from '../../adapters/storage/use-storage'

export type FileRow = typeof files.$inferSelect

/** The wire File (contract §4) without URLs: safe to broadcast, the same for every reader. */
export function toFileInfo(row: FileRow): FileInfo {
  return {
    id: row.id, conversationId: row.conversationId, messageId: row.messageId, fileName: row.fileName, size: row.size,
    mimeType: row.mimeType, sha256: row.sha256, status: row.status, virusScanned: row.virusScanned,
    blockedReason: row.status === 'blocked' ? row.blockedReason ?? 'type_not_allowed' : null, createdAt: row.createdAt.toISOString()
  }
}

/**
 * The wire File with a signed thumbnail URL where there is one (available images only). A signed URL is a
 * capability, not tied to the viewer, so it may go to every reader of the conversation.
 */
export async function toFileView(row: FileRow): Promise<FileInfo> {
  const info = toFileInfo(row)
  if (row.status !== 'available' || !row.thumbnailKey) return info
  const thumbnail = await useObjectStorage().signedDownloadUrl(row.thumbnailKey, { fileName: `${row.id}-thumbnail.webp`, contentType: 'image/webp' })
  return { ...info, thumbnailUrl: thumbnail.url }
}

export const hasThumbnail = (mimeType: string) => THUMBNAIL_TYPES.includes(mimeType)

/**
 * What a download may claim to be. Only allow-listed types ever become available, but the response type is
 * pinned anyway, so nothing stored under an active type (HTML, SVG, XML, scripts) can be served as one.
 */
export function servedContentType(mimeType: string): string {
  const active = /html|svg|xml|javascript|ecmascript|x-sh/.test(mimeType)
  return active ? 'application/octet-stream' : mimeType
}
