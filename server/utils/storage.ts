import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { useConfig } from './config'
import { apiError } from './errors'
import { createLocalDiskStorage } from './storage-local'

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
const MIME = /^[a-z0-9][\w.+-]*\/[a-z0-9][\w.+-]*$/

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

export interface UploadGrant { key: string, contentType: string, maxBytes: number, expiresAt: Date }
export interface DownloadGrant { key: string, fileName: string, expiresAt: Date }
type Query = Record<string, unknown>

/**
 * URLs for storage the app serves itself (server/routes/storage/**): HMAC-SHA256 over method, key, expiry and
 * the upload limits or download name, checked in constant time. Every field but the last is newline-free, so
 * the signed string is unambiguous.
 */
export function createStorageUrlSigner(options: { secret: string | Buffer, baseUrl?: string, now?: () => number }) {
  const key = Buffer.from(hkdfSync('sha256', options.secret, 'switchboard', 'storage-url-signing-v1', 32))
  const base = (options.baseUrl ?? '').replace(/\/+$/, '')
  const now = options.now ?? Date.now
  const mac = (fields: (string | number)[]) => createHmac('sha256', key).update(['v1', ...fields].join('\n')).digest()
  const path = (kind: string, k: string) => `${base}/storage/${kind}/${k.split('/').map(encodeURIComponent).join('/')}`
  const expiry = (seconds: number) => Math.floor(now() / 1000) + Math.max(1, Math.floor(seconds))
  const one = (value: unknown) => (typeof value === 'string' ? value : '')

  function check(fields: (string | number)[], exp: number, sig: string) {
    const given = Buffer.from(sig, 'base64url')
    const expected = mac(fields)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw apiError('forbidden', 'Invalid signature')
    if (!Number.isSafeInteger(exp) || exp * 1000 < now()) throw apiError('forbidden', 'Link expired')
  }

  return {
    uploadUrl(k: string, o: { contentType: string, maxBytes: number, expiresInSeconds: number }): SignedUpload {
      const contentType = o.contentType.toLowerCase()
      if (!MIME.test(contentType)) throw apiError('validation_failed', 'Invalid content type', { issues: [{ path: 'contentType', message: 'type/subtype' }] })
      if (!Number.isSafeInteger(o.maxBytes) || o.maxBytes < 0) throw new Error('maxBytes must be a non-negative integer')
      const exp = expiry(o.expiresInSeconds)
      const sig = mac(['PUT', requireStorageKey(k), exp, o.maxBytes, contentType]).toString('base64url')
      const query = new URLSearchParams({ exp: String(exp), max: String(o.maxBytes), ct: contentType, sig })
      return { url: `${path('upload', k)}?${query}`, method: 'PUT', headers: { 'Content-Type': contentType }, expiresAt: new Date(exp * 1000) }
    },
    downloadUrl(k: string, o: { fileName: string, expiresInSeconds: number }): SignedDownload {
      const exp = expiry(o.expiresInSeconds)
      const sig = mac(['GET', requireStorageKey(k), exp, o.fileName]).toString('base64url')
      const query = new URLSearchParams({ exp: String(exp), name: o.fileName, sig })
      return { url: `${path('download', k)}?${query}`, expiresAt: new Date(exp * 1000) }
    },
    /** Throws 403 forbidden unless the query is an unexpired upload grant for this key. */
    verifyUpload(k: string, q: Query): UploadGrant {
      const exp = Number(one(q.exp))
      const maxBytes = Number(one(q.max))
      const contentType = one(q.ct)
      check(['PUT', k, one(q.exp), one(q.max), contentType], exp, one(q.sig))
      return { key: k, contentType, maxBytes, expiresAt: new Date(exp * 1000) }
    },
    verifyDownload(k: string, q: Query): DownloadGrant {
      const exp = Number(one(q.exp))
      const fileName = one(q.name)
      check(['GET', k, one(q.exp), fileName], exp, one(q.sig))
      return { key: k, fileName, expiresAt: new Date(exp * 1000) }
    }
  }
}
export type StorageUrlSigner = ReturnType<typeof createStorageUrlSigner>

/** AUTH_SECRET, or (embedded default only) a key kept under DATA_DIR, as tokens.ts does for the JWT key. */
function readStorageSecret(): string {
  const config = useConfig()
  if (config.authSecret) return config.authSecret
  if (config.databaseUrl && config.production) throw new Error('AUTH_SECRET must be set when DATABASE_URL is set in production')
  const file = join(config.dataDir, 'storage-url-secret')
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true })
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  return readFileSync(file, 'utf8').trim()
}

let signer: StorageUrlSigner | undefined
export function useStorageUrlSigner(): StorageUrlSigner {
  signer ??= createStorageUrlSigner({ secret: readStorageSecret(), baseUrl: useConfig().publicUrl })
  return signer
}

export function createObjectStorage(options: { root: string, signer: StorageUrlSigner, uploadTtlSeconds?: number, downloadTtlSeconds?: number }): ObjectStorage {
  return createLocalDiskStorage({ ...options, requireKey: requireStorageKey })
}

let storage: ObjectStorage | undefined
/** The process's object storage: local disk under DATA_DIR/storage. */
export function useObjectStorage(): ObjectStorage {
  const config = useConfig()
  storage ??= createObjectStorage({
    root: join(config.dataDir, 'storage'),
    signer: useStorageUrlSigner(),
    uploadTtlSeconds: config.limits.uploadUrlTtlSeconds,
    downloadTtlSeconds: config.limits.downloadUrlTtlSeconds
  })
  return storage
}
