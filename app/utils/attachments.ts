// Type imports only: the unit tests load this file without Nuxt's aliases, and a relative runtime import of
// shared/ does not survive the SSR bundle. The rules themselves (shared/files.ts) are passed in.
import type { BlockedReason } from '../../shared/files'
import type { FileInfo } from '../../shared/types'

export interface FileRules { maxBytes: number, allowedTypes: readonly string[] }

export type FileKind = 'image' | 'pdf' | 'text' | 'sheet' | 'doc' | 'archive' | 'file'

const KIB = 1024

/** Binary units, as the limits are set (10 MiB); one decimal below 10 of a unit, none above. */
export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes < KIB) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / KIB
  let unit = 0
  while (value >= KIB && unit < units.length - 1) {
    value /= KIB
    unit++
  }
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value)
  // 1023.96 KB rounds to 1024 KB: say 1 MB instead.
  if (shown >= KIB && unit < units.length - 1) return `1 ${units[unit + 1]}`
  return `${shown} ${units[unit]}`
}

const KINDS: Record<string, { kind: FileKind, label: string }> = {
  'image/png': { kind: 'image', label: 'PNG image' },
  'image/jpeg': { kind: 'image', label: 'JPEG image' },
  'image/gif': { kind: 'image', label: 'GIF image' },
  'image/webp': { kind: 'image', label: 'WebP image' },
  'application/pdf': { kind: 'pdf', label: 'PDF document' },
  'text/plain': { kind: 'text', label: 'Text file' },
  'text/csv': { kind: 'sheet', label: 'CSV file' },
  'application/zip': { kind: 'archive', label: 'ZIP archive' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'doc', label: 'Word document' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { kind: 'sheet', label: 'Excel spreadsheet' }
}

export const fileKindOf = (mimeType: string): FileKind => KINDS[mimeType]?.kind ?? 'file'
export const fileTypeLabel = (mimeType: string): string => KINDS[mimeType]?.label ?? (mimeType || 'Unknown type')

const BY_EXTENSION: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  pdf: 'application/pdf', txt: 'text/plain', log: 'text/plain', md: 'text/plain', csv: 'text/csv', zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
}

/**
 * The type to declare for a picked file. Browsers leave `File.type` empty for extensions the OS does not map
 * (often .csv, .md); the server checks the bytes whatever is declared.
 */
export function guessMimeType(fileName: string, browserType: string): string {
  if (browserType) return browserType
  const ext = fileName.includes('.') ? fileName.split('.').pop()!.toLowerCase() : ''
  return BY_EXTENSION[ext] ?? 'application/octet-stream'
}

export interface UploadFailure {
  code: string
  text: string
  /** Whether the same file may succeed later (Retry is offered); otherwise it can only be removed. */
  retryable: boolean
}

/** Rounded up, so "in 0 min" never shows. */
export function retryAfterText(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'try again shortly'
  if (ms < 60_000) return `try again in ${Math.ceil(ms / 1000)} s`
  return `try again in ${Math.ceil(ms / 60_000)} min`
}

/** Refuses early what the server would refuse anyway (contract §6); the server's answer still counts. */
export function precheckFile(size: number, mimeType: string, rules: FileRules): UploadFailure | null {
  if (size > rules.maxBytes) return uploadFailure('payload_too_large', { maxBytes: rules.maxBytes })
  if (size === 0) return { code: 'empty', text: 'The file is empty', retryable: false }
  if (!rules.allowedTypes.includes(mimeType)) return uploadFailure('unsupported_media_type')
  return null
}

/** The tray's words for a failed step, from a contract §2 error code and its data. */
export function uploadFailure(code: string, data: Record<string, unknown> = {}, message?: string): UploadFailure {
  switch (code) {
    case 'payload_too_large':
      return {
        code,
        text: typeof data.maxBytes === 'number' ? `Too large: the limit is ${formatFileSize(data.maxBytes)}` : `Too large: ${message || 'over the size limit'}`,
        retryable: false
      }
    case 'unsupported_media_type':
      return { code, text: 'This type of file is not allowed', retryable: false }
    case 'rate_limited':
      return { code, text: `Upload limit reached: ${retryAfterText(Number(data.retryAfterMs))}`, retryable: true }
    case 'network_error':
      return { code, text: 'Network error: the upload did not finish', retryable: true }
    case 'expired':
      return { code, text: 'The upload link expired', retryable: true }
    case 'lost':
      return { code, text: 'The page was reloaded before it finished: re-attach the file', retryable: false }
    case 'forbidden':
    case 'conversation_locked':
    case 'suspended':
      return { code, text: message || 'You cannot post files here', retryable: false }
    case 'validation_failed':
      return { code, text: message || 'The server refused this file', retryable: false }
    default:
      return { code, text: message || 'The upload failed', retryable: true }
  }
}

/** What the conversation is told about a blocked file (the detail stays in the admin quarantine). */
export function blockedReasonText(reason: BlockedReason | null): string {
  switch (reason) {
    case 'infected': return 'Blocked — removed by the scanner'
    case 'type_mismatch': return 'Blocked — its contents do not match its type'
    case 'type_not_allowed': return 'Blocked — this type of file is not allowed'
    case 'size_mismatch': return 'Blocked — the upload was incomplete'
    case 'empty': return 'Blocked — the file was empty'
    default: return 'Blocked — removed by the scanner'
  }
}

/** A file's line under its name in a message; null when there is nothing to say. */
export function fileStatusText(file: Pick<FileInfo, 'status' | 'blockedReason' | 'virusScanned'>): string | null {
  if (file.status === 'pending_upload') return 'Uploading…'
  if (file.status === 'pending_scan') return 'Scanning…'
  if (file.status === 'blocked') return blockedReasonText(file.blockedReason)
  return file.virusScanned ? null : 'Not virus-scanned'
}

/** Only web URLs are followed: a download link is data from the server, never script. */
export function isSafeFileUrl(url: string, base: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(url, base).protocol)
  } catch {
    return false
  }
}
