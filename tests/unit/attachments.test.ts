import { describe, expect, it } from 'vitest'
import {
  blockedReasonText, fileStatusText, fileTypeLabel, formatFileSize, guessMimeType, isSafeFileUrl, precheckFile,
  retryAfterText, uploadFailure
} from '../../app/utils/attachments'
import { ALLOWED_FILE_TYPES, FILE_MAX_BYTES } from '../../shared/files'

const rules = { maxBytes: FILE_MAX_BYTES, allowedTypes: ALLOWED_FILE_TYPES }

describe('file sizes', () => {
  it('read in binary units with one decimal below ten', () => {
    expect(formatFileSize(0)).toBe('0 B')
    expect(formatFileSize(1023)).toBe('1023 B')
    expect(formatFileSize(1024)).toBe('1 KB')
    expect(formatFileSize(1536)).toBe('1.5 KB')
    expect(formatFileSize(20 * 1024)).toBe('20 KB')
    expect(formatFileSize(FILE_MAX_BYTES)).toBe('10 MB')
    expect(formatFileSize(2.25 * 1024 * 1024)).toBe('2.3 MB')
    expect(formatFileSize(3 * 1024 ** 3)).toBe('3 GB')
  })

  it('never show 1024 of a unit, and nothing for nonsense', () => {
    expect(formatFileSize(1024 * 1024 - 1)).toBe('1 MB')
    expect(formatFileSize(-1)).toBe('—')
    expect(formatFileSize(Number.NaN)).toBe('—')
  })
})

describe('file types', () => {
  it('are named for people, and unknown ones by their MIME type', () => {
    expect(fileTypeLabel('image/png')).toBe('PNG image')
    expect(fileTypeLabel('text/plain')).toBe('Text file')
    expect(fileTypeLabel('application/x-foo')).toBe('application/x-foo')
  })

  it('come from the extension when the browser gives none', () => {
    expect(guessMimeType('a.csv', '')).toBe('text/csv')
    expect(guessMimeType('Report.DOCX', '')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    expect(guessMimeType('photo.png', 'image/png')).toBe('image/png')
    expect(guessMimeType('README', '')).toBe('application/octet-stream')
  })
})

describe('refusing a file before it is uploaded', () => {
  it('says why: too large, empty, or a type that is not allowed', () => {
    expect(precheckFile(FILE_MAX_BYTES + 1, 'image/png', rules)).toMatchObject({ code: 'payload_too_large', text: 'Too large: the limit is 10 MB', retryable: false })
    expect(precheckFile(0, 'text/plain', rules)).toMatchObject({ code: 'empty', retryable: false })
    expect(precheckFile(10, 'application/x-msdownload', rules)).toMatchObject({ code: 'unsupported_media_type', text: 'This type of file is not allowed' })
    expect(precheckFile(FILE_MAX_BYTES, 'image/png', rules)).toBeNull()
  })
})

describe('upload failure texts', () => {
  it('tell a rate-limited user when to try again, rounded up', () => {
    expect(retryAfterText(90_000)).toBe('try again in 2 min')
    expect(retryAfterText(60_000)).toBe('try again in 1 min')
    expect(retryAfterText(4_200)).toBe('try again in 5 s')
    expect(retryAfterText(Number.NaN)).toBe('try again shortly')
    expect(uploadFailure('rate_limited', { retryAfterMs: 25 * 60_000 })).toEqual({
      code: 'rate_limited', text: 'Upload limit reached: try again in 25 min', retryable: true
    })
  })

  it('use the server\'s limit when it says one, and offer a retry only where one can work', () => {
    expect(uploadFailure('payload_too_large', { maxBytes: 5 * 1024 * 1024 }).text).toBe('Too large: the limit is 5 MB')
    expect(uploadFailure('payload_too_large', {}, 'File is over 10 MiB').text).toBe('Too large: File is over 10 MiB')
    expect(uploadFailure('network_error')).toMatchObject({ retryable: true })
    expect(uploadFailure('lost').text).toContain('re-attach the file')
    expect(uploadFailure('conversation_locked', {}, 'This conversation is locked')).toMatchObject({ text: 'This conversation is locked', retryable: false })
    expect(uploadFailure('unavailable', {}, 'Try later')).toMatchObject({ text: 'Try later', retryable: true })
  })
})

describe('file states in a message', () => {
  const file = { status: 'available' as const, blockedReason: null, virusScanned: true }

  it('say scanning, blocked with the reason, or nothing once clean', () => {
    expect(fileStatusText({ ...file, status: 'pending_scan' })).toBe('Scanning…')
    expect(fileStatusText({ ...file, status: 'blocked', blockedReason: 'infected' })).toBe('Blocked — removed by the scanner')
    expect(fileStatusText(file)).toBeNull()
  })

  it('are honest when no virus scanner looked at the file', () => {
    expect(fileStatusText({ ...file, virusScanned: false })).toBe('Not virus-scanned')
  })

  it('start every blocked reason with "Blocked"', () => {
    for (const reason of ['infected', 'type_mismatch', 'type_not_allowed', 'size_mismatch', 'empty', null] as const) {
      expect(blockedReasonText(reason)).toMatch(/^Blocked — /)
    }
  })
})

describe('download links', () => {
  it('are followed only when they are web URLs', () => {
    expect(isSafeFileUrl('/api/files/x/content?sig=1', 'http://app.test/c/1')).toBe(true)
    expect(isSafeFileUrl('https://bucket.s3.test/k?X-Amz-Signature=1', 'http://app.test/')).toBe(true)
    expect(isSafeFileUrl('javascript:alert(1)', 'http://app.test/')).toBe(false)
    expect(isSafeFileUrl('data:text/html,hi', 'http://app.test/')).toBe(false)
  })
})
