import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { apiError } from '../../platform/errors'
import type { SignedDownload, SignedUpload } from './storage'
import { MIME_TYPE, requireStorageKey } from './storage'

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
      if (!MIME_TYPE.test(contentType)) throw apiError('validation_failed', 'Invalid content type', { issues: [{ path: 'contentType', message: 'type/subtype' }] })
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
