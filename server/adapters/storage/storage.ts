import type { Readable } from 'node:stream'
import { apiError } from '../../platform/errors'

export interface StoredObject { size: number, sha256: string, contentType: string, updatedAt: Date }
export interface PutOptions {
  contentType?: string
  /** Refuse (413, nothing kept) once the body passes this many bytes, while it streams. */
  maxBytes?: number
  /** false: 409 when the key already holds an object, so a signed upload cannot replace scanned bytes. */
  overwrite?: boolean
}
export interface SignedUpload { url: string, method: 'PUT', headers: Record<string, string>, expiresAt: Date }
export interface SignedDownload { url: string, expiresAt: Date }

/** Provider-neutral object storage: local disk today; S3 / Supabase Storage implement the same shape. */
export interface ObjectStorage {
  readonly provider: 'local'
  put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<{ size: number, sha256: string }>
  /** A stream of the object's bytes; 404 not_found when it does not exist. */
  get(key: string): Promise<Readable>
  stat(key: string): Promise<StoredObject | undefined>
  delete(key: string): Promise<void>
  signedUploadUrl(key: string, options: { contentType: string, maxBytes: number, expiresInSeconds?: number }): Promise<SignedUpload>
  signedDownloadUrl(key: string, options: { fileName: string, expiresInSeconds?: number }): Promise<SignedDownload>
}

// Slash-separated segments that start with a letter or digit: no '..', no absolute paths, no hidden names.
const KEY = /^[A-Za-z0-9][\w.-]{0,127}(?:\/[A-Za-z0-9][\w.-]{0,127}){0,7}$/

export function isStorageKey(key: unknown): key is string {
  return typeof key === 'string' && key.length <= 512 && KEY.test(key)
}
export function requireStorageKey(key: unknown): string {
  if (isStorageKey(key)) return key
  throw apiError('validation_failed', 'Invalid storage key', { issues: [{ path: 'key', message: 'letters, digits, . _ - in up to 8 /-separated segments' }] })
}

/** RFC 6266 attachment header: an ASCII fallback plus the UTF-8 name (RFC 8187), stripped of controls and bidi tricks. */
export function buildContentDisposition(fileName: string): string {
  const clean = Array.from(fileName.toWellFormed().normalize('NFC').replace(/[\p{Cc}\p{Cf}/\\]/gu, '_').trim())
    .slice(0, 200).join('').replace(/^\.+/, '') || 'download'
  const ascii = clean.replace(/[^\x20-\x7E]/g, '_').replace(/["\\%;]/g, '_')
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}
