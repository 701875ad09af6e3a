import { fileTypeFromBuffer } from 'file-type'
import type { BlockedReason } from '../../../shared/files'
import { isAllowedFileType } from '../../../shared/files'

/** How many leading bytes the type check reads: enough for file-type to see into a zip's first entries. */
export const SAMPLE_BYTES = 64 * 1024

// Office documents are zip files: file-type names them by their first entries, which it may not reach in a sample.
const ZIP_BASED = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
])
const TEXT_TYPES = new Set(['text/plain', 'text/csv'])

export type TypeVerdict = { ok: true } | { ok: false, reason: BlockedReason, detail: string }

/** Text has no magic bytes: it must decode as UTF-8 and hold no NUL or other binary control bytes. */
function looksLikeText(sample: Buffer, complete: boolean): boolean {
  // A sample may end inside a multi-byte character; drop up to 3 trailing bytes before decoding it.
  let bytes = sample
  if (!complete) {
    let cut = bytes.length
    while (cut > 0 && cut > bytes.length - 4 && (bytes[cut - 1]! & 0xC0) === 0x80) cut--
    if (cut > 0 && bytes[cut - 1]! >= 0xC0) cut--
    bytes = bytes.subarray(0, cut)
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return false
  }
  // Tab, LF, CR and form feed are text; every other C0 control (and DEL) is not.
  return !bytes.some(b => (b < 0x20 && b !== 0x09 && b !== 0x0A && b !== 0x0D && b !== 0x0C) || b === 0x7F)
}

/**
 * Checks the declared type against the allow-list and against what the first bytes are (magic bytes), and the
 * stored size against the declared one. `sample` is the first SAMPLE_BYTES (or the whole file when smaller).
 */
export async function checkType(input: { declaredType: string, declaredSize: number, storedSize: number, sample: Buffer }): Promise<TypeVerdict> {
  const { declaredType, declaredSize, storedSize, sample } = input
  if (storedSize === 0) return { ok: false, reason: 'empty', detail: 'the stored object is empty' }
  if (storedSize !== declaredSize) return { ok: false, reason: 'size_mismatch', detail: `declared ${declaredSize} bytes, stored ${storedSize}` }
  if (!isAllowedFileType(declaredType)) return { ok: false, reason: 'type_not_allowed', detail: `declared ${declaredType}` }
  const detected = await fileTypeFromBuffer(sample)
  if (TEXT_TYPES.has(declaredType)) {
    if (detected) return { ok: false, reason: 'type_mismatch', detail: `declared ${declaredType}, bytes are ${detected.mime}` }
    if (!looksLikeText(sample, sample.length >= storedSize)) return { ok: false, reason: 'type_mismatch', detail: `declared ${declaredType}, bytes are not UTF-8 text` }
    return { ok: true }
  }
  if (!detected) return { ok: false, reason: 'type_mismatch', detail: `declared ${declaredType}, bytes are of no known type` }
  if (detected.mime === declaredType) return { ok: true }
  if (ZIP_BASED.has(declaredType) && detected.mime === 'application/zip') return { ok: true }
  return { ok: false, reason: 'type_mismatch', detail: `declared ${declaredType}, bytes are ${detected.mime}` }
}
