import type { BlockedReason } from '#shared/files'
import type { FileInfo } from '#shared/types'

type BadgeColor = 'error' | 'warning' | 'success' | 'neutral' | 'info'

/** Why the scanner blocked a file, in words; the scan detail beside it says exactly what it found. */
export const BLOCKED_LABELS: Record<BlockedReason, string> = {
  infected: 'Virus found',
  type_mismatch: 'Not the declared type',
  type_not_allowed: 'Type not allowed',
  size_mismatch: 'Not the declared size',
  empty: 'Empty file'
}

const STATUS_VERDICTS: Record<FileInfo['status'], { label: string, color: BadgeColor }> = {
  blocked: { label: 'Blocked', color: 'error' },
  pending_scan: { label: 'Waiting for the scan', color: 'info' },
  available: { label: 'Passed the scan', color: 'success' },
  pending_upload: { label: 'Not uploaded yet', color: 'neutral' }
}

/**
 * The verdict badge of a file: the blocked reason when there is one, else what its status means. Takes strings
 * (the API's inferred types widen them), and shows a value it does not know as it came.
 */
export function fileVerdict(file: { status: string, blockedReason: string | null }): { label: string, color: BadgeColor } {
  if (file.status === 'blocked' && file.blockedReason) {
    const label = BLOCKED_LABELS[file.blockedReason as BlockedReason] ?? file.blockedReason
    return { label, color: file.blockedReason === 'infected' ? 'error' : 'warning' }
  }
  return STATUS_VERDICTS[file.status as FileInfo['status']] ?? { label: file.status, color: 'neutral' }
}

/** Bytes in binary units people read at a glance: "512 B", "2.4 KiB", "10 MiB". */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, '')} ${units[unit]}`
}
