import { z } from 'zod'
import { QueryInt, Uuid } from './common'

const MIME = /^[a-z0-9][\w.+-]*\/[a-z0-9][\w.+-]*$/

/**
 * A file name as people see it: the last path segment only (so "../../etc/passwd" is "passwd"), NFC, without
 * control or bidi-override characters. It is display text: storage keys never derive from it.
 */
export const FileName = z.string().max(1024)
  // Characters go before NFC (one may stand between a letter and its accent), and dots and spaces go from the
  // front together: stripping one must not leave the other at the start (". .a" is "a", not " .a").
  .transform(s => (s.split(/[/\\]/).pop() ?? '').replace(/[\p{Cc}\p{Cf}]/gu, '').normalize('NFC').replace(/^[\s.]+/u, '').trimEnd())
  .pipe(z.string().min(1, 'fileName must name a file').max(255))

export const CreateFileBody = z.strictObject({
  fileName: FileName,
  size: z.number().int().min(1, 'size must be at least 1 byte').max(Number.MAX_SAFE_INTEGER),
  mimeType: z.string().max(255).transform(s => s.trim().toLowerCase()).pipe(z.string().regex(MIME, 'mimeType must be type/subtype'))
})

export const FileStatusFilter = z.enum(['pending_upload', 'pending_scan', 'available', 'blocked'])

export const AdminFilesQuery = z.strictObject({
  status: FileStatusFilter.default('blocked'),
  projectId: Uuid.optional(),
  cursor: z.string().max(200).optional(),
  limit: QueryInt(1, 100).default(50)
})

export const AdminDeleteFileBody = z.strictObject({ reason: z.string().trim().min(1).max(500) })
