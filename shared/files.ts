/**
 * Attachment rules shared by the server and the client (contract §4 Files, §6 Limits). The server re-checks
 * every one of them against the bytes; the client uses them only to refuse early with a clear message.
 */

/** Types a file may be declared as, and must be found to be by its magic bytes (text types have none). */
export const ALLOWED_FILE_TYPES = [
  'image/png', 'image/jpeg', 'image/gif', 'image/webp',
  'application/pdf', 'text/plain', 'text/csv',
  'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
] as const
export type AllowedFileType = typeof ALLOWED_FILE_TYPES[number]

/** Default of FILE_MAX_BYTES (10 MiB); the server's configured value is what counts. */
export const FILE_MAX_BYTES = 10 * 1024 * 1024

/** Images get a thumbnail; everything else shows a file card. */
export const THUMBNAIL_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp']

export function isAllowedFileType(mime: string): mime is AllowedFileType {
  return (ALLOWED_FILE_TYPES as readonly string[]).includes(mime)
}

/** Why a file was blocked, as the uploader and the conversation see it (the admin quarantine shows the detail). */
export type BlockedReason = 'infected' | 'type_mismatch' | 'type_not_allowed' | 'size_mismatch' | 'empty'
