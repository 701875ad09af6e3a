import type { Readable } from 'node:stream'
import { apiError } from '../../platform/errors'

/** sha256 is known where the store computed it while writing (local disk); S3 leaves it to the file scanner. */
export interface StoredObject { size: number, sha256?: string, contentType: string, updatedAt: Date }
export interface PutOptions {
  contentType?: string
  /** Refuse (413, nothing kept) once the body passes this many bytes, while it streams. */
  maxBytes?: number
  /** false: 409 when the key already holds an object, so a signed upload cannot replace scanned bytes. */
  overwrite?: boolean
}
export interface SignedUpload { url: string, method: 'PUT', headers: Record<string, string>, expiresAt: Date }
export interface SignedDownload { url: string, expiresAt: Date }

/** Provider-neutral object storage: local disk, or any S3-protocol store (Supabase Storage, AWS, R2, MinIO). */
export interface ObjectStorage {
  readonly provider: 'local' | 's3'
  put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<{ size: number, sha256?: string }>
  /** A stream of the object's bytes; 404 not_found when it does not exist. */
  get(key: string): Promise<Readable>
  stat(key: string): Promise<StoredObject | undefined>
  delete(key: string): Promise<void>
  /**
   * Moves an object to a key no signed URL points at (uploads are promoted this way before they are scanned,
   * so a second PUT through a still-valid upload URL cannot swap the bytes that were checked). 404 when missing.
   */
  move(from: string, to: string): Promise<void>
  /**
   * A direct upload for one object: the content type is bound into the signature, and the size too where the
   * store can (S3 signs Content-Length = maxBytes exactly; local disk refuses bodies past maxBytes).
   */
  signedUploadUrl(key: string, options: { contentType: string, maxBytes: number, expiresInSeconds?: number }): Promise<SignedUpload>
  /**
   * A short-lived download, always served as an attachment named fileName; contentType is what the response
   * may claim (callers pass application/octet-stream for active types such as HTML or SVG).
   */
  signedDownloadUrl(key: string, options: { fileName: string, contentType?: string, expiresInSeconds?: number }): Promise<SignedDownload>
}

/** type/subtype, lower case, no parameters: what signed uploads bind and downloads may claim. */
export const MIME_TYPE = /^[a-z0-9][\w.+-]*\/[a-z0-9][\w.+-]*$/

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
