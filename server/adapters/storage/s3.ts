import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import { Transform, pipeline } from 'node:stream'
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { apiError, conflict, isApiError, notFound } from '../../platform/errors'
import type { ObjectStorage, StoredObject } from './storage'
import { buildContentDisposition, MIME_TYPE } from './storage'

export interface S3StorageOptions {
  bucket: string
  region: string
  /** Unset: AWS. Supabase Storage: https://<ref>.supabase.co/storage/v1/s3 */
  endpoint?: string
  forcePathStyle?: boolean
  credentials: { accessKeyId: string, secretAccessKey: string }
  requireKey: (key: string) => string
  uploadTtlSeconds?: number
  downloadTtlSeconds?: number
  /** The signing clock (tests sign URLs in the past to get expired ones). */
  now?: () => number
}

type SdkError = Error & { $metadata?: { httpStatusCode?: number }, Code?: string }

const MISSING = new Set(['NoSuchKey', 'NotFound'])
const status = (error: unknown) => (error as SdkError | undefined)?.$metadata?.httpStatusCode

/** The app's error for a provider failure; the provider's message stays in `cause` (logs), never in the reply. */
function toApiError(error: unknown) {
  if (isApiError(error)) return error
  const name = (error as SdkError | undefined)?.name ?? ''
  let mapped
  if (MISSING.has(name)) mapped = notFound('No such object')
  else if (name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || status(error) === 412) {
    mapped = conflict('An object already exists under this key')
  } else if (name === 'EntityTooLarge' || status(error) === 413) mapped = apiError('payload_too_large', 'The body is too large')
  else mapped = apiError('unavailable', 'Object storage is unavailable')
  mapped.cause = error
  return mapped
}

/**
 * Objects in one bucket of any S3-protocol store (AWS, Supabase Storage's S3 endpoint, R2, MinIO). Clients
 * upload and download directly with presigned URLs; sha256 is only known for bodies that pass through put().
 */
export function createS3Storage(options: S3StorageOptions): ObjectStorage {
  const Bucket = options.bucket
  const now = options.now ?? Date.now
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? false,
    credentials: options.credentials,
    // Since SDK 3.729 the default adds CRC32 checksums, also to presigned PUTs (of the empty body, so real S3
    // then refuses the upload), and several S3-compatible stores reject them: checksums only where required.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED'
  })

  async function exists(Key: string): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket, Key }))
      return true
    } catch (error) {
      if (MISSING.has((error as SdkError).name) || status(error) === 404) return false
      throw toApiError(error)
    }
  }

  async function send(Key: string, body: Buffer | Readable, contentType: string, conditional: boolean) {
    const params = { Bucket, Key, ContentType: contentType, ...(conditional ? { IfNoneMatch: '*' } : {}) }
    if (Buffer.isBuffer(body)) await client.send(new PutObjectCommand({ ...params, Body: body, ContentLength: body.length }))
    else await new Upload({ client, params: { ...params, Body: body }, leavePartsOnError: false }).done()
  }

  const expiry = (seconds: number) => Math.max(1, Math.floor(seconds))

  return {
    provider: 's3',

    /**
     * overwrite: false checks with HEAD and also sends If-None-Match: * — atomic where the store supports
     * conditional writes (AWS, R2, MinIO), best effort where it ignores them (Supabase Storage, s3rver).
     */
    async put(key, body, putOptions = {}) {
      const Key = options.requireKey(key)
      const limit = putOptions.maxBytes ?? Number.POSITIVE_INFINITY
      const contentType = putOptions.contentType?.toLowerCase() || 'application/octet-stream'
      const tooLarge = () => apiError('payload_too_large', `The body is larger than ${limit} bytes`, { maxBytes: limit })
      const conditional = putOptions.overwrite === false
      const hash = createHash('sha256')
      let size = 0
      let source: Buffer | Readable = body
      // lib-storage reports a failed abort of the multipart upload rather than the reason it aborted.
      let refused: unknown
      if (Buffer.isBuffer(body)) {
        if (body.length > limit) throw tooLarge()
        size = body.length
        hash.update(body)
      } else {
        const meter = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            size += chunk.length
            if (size > limit) return done(refused = tooLarge())
            hash.update(chunk)
            done(null, chunk)
          }
        })
        // A failure on either side destroys both, so the caller's stream is not left open.
        source = pipeline(body, meter, () => {})
      }
      try {
        if (conditional && await exists(Key)) throw conflict('An object already exists under this key')
        await send(Key, source, contentType, conditional)
      } catch (error) {
        if (!Buffer.isBuffer(source)) source.destroy()
        if (!Buffer.isBuffer(body)) body.destroy()
        throw toApiError(refused ?? error)
      }
      return { size, sha256: hash.digest('hex') }
    },

    async get(key) {
      const Key = options.requireKey(key)
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key }))
        return object.Body as Readable
      } catch (error) {
        throw toApiError(error)
      }
    },

    async stat(key): Promise<StoredObject | undefined> {
      const Key = options.requireKey(key)
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key }))
        return { size: head.ContentLength ?? 0, contentType: head.ContentType || 'application/octet-stream', updatedAt: head.LastModified ?? new Date(0) }
      } catch (error) {
        if (MISSING.has((error as SdkError).name) || status(error) === 404) return undefined
        throw toApiError(error)
      }
    },

    async delete(key) {
      const Key = options.requireKey(key)
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key }))
      } catch (error) {
        if (!MISSING.has((error as SdkError).name)) throw toApiError(error)
      }
    },

    /** A server-side copy (no bytes through the app), then the source is deleted. */
    async move(from, to) {
      const source = options.requireKey(from)
      const Key = options.requireKey(to)
      try {
        const CopySource = `${Bucket}/${source.split('/').map(encodeURIComponent).join('/')}`
        await client.send(new CopyObjectCommand({ Bucket, Key, CopySource }))
      } catch (error) {
        if (MISSING.has((error as SdkError).name) || status(error) === 404) throw notFound('No such object')
        throw toApiError(error)
      }
      await this.delete(from)
    },

    /**
     * Content-Type, Content-Length (= maxBytes, the declared size) and If-None-Match are signed headers: a
     * client that sends another type, another length or no precondition gets 403 SignatureDoesNotMatch.
     */
    async signedUploadUrl(key, o) {
      const Key = options.requireKey(key)
      const contentType = o.contentType.toLowerCase()
      if (!MIME_TYPE.test(contentType)) throw apiError('validation_failed', 'Invalid content type', { issues: [{ path: 'contentType', message: 'type/subtype' }] })
      if (!Number.isSafeInteger(o.maxBytes) || o.maxBytes < 0) throw new Error('maxBytes must be a non-negative integer')
      const expiresIn = expiry(o.expiresInSeconds ?? options.uploadTtlSeconds ?? 600)
      const signingDate = new Date(Math.floor(now() / 1000) * 1000)
      const command = new PutObjectCommand({ Bucket, Key, ContentType: contentType, ContentLength: o.maxBytes, IfNoneMatch: '*' })
      const url = await getSignedUrl(client, command, {
        expiresIn,
        signingDate,
        signableHeaders: new Set(['content-type', 'content-length', 'if-none-match'])
      })
      return {
        url,
        method: 'PUT',
        headers: { 'Content-Type': contentType, 'Content-Length': String(o.maxBytes), 'If-None-Match': '*' },
        expiresAt: new Date(signingDate.getTime() + expiresIn * 1000)
      }
    },

    async signedDownloadUrl(key, o) {
      const Key = options.requireKey(key)
      const expiresIn = expiry(o.expiresInSeconds ?? options.downloadTtlSeconds ?? 300)
      const signingDate = new Date(Math.floor(now() / 1000) * 1000)
      const type = o.contentType?.toLowerCase()
      const command = new GetObjectCommand({
        Bucket,
        Key,
        ResponseContentDisposition: buildContentDisposition(o.fileName),
        ResponseContentType: type && MIME_TYPE.test(type) ? type : 'application/octet-stream',
        ResponseCacheControl: 'private, no-store'
      })
      const url = await getSignedUrl(client, command, { expiresIn, signingDate })
      return { url, expiresAt: new Date(signingDate.getTime() + expiresIn * 1000) }
    }
  }
}
