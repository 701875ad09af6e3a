import { PassThrough } from 'node:stream'
import { isStorageKey } from '#server/adapters/storage/storage'

/**
 * Receives a direct upload for local-disk storage, authorised only by the signed URL from signedUploadUrl
 * (no session: the grant is the credential). The body streams to disk and stops at the signed byte limit.
 */
export default defineEventHandler(async (event) => {
  const storage = useObjectStorage()
  const key = getRouterParam(event, 'key')
  if (storage.provider !== 'local' || !isStorageKey(key)) throw notFound()
  const grant = useStorageUrlSigner().verifyUpload(key, getQuery(event))

  const declared = Number(getRequestHeader(event, 'content-length') ?? 0)
  if (declared > grant.maxBytes) {
    setResponseHeader(event, 'Connection', 'close')
    throw apiError('payload_too_large', `The body is larger than ${grant.maxBytes} bytes`, { maxBytes: grant.maxBytes })
  }
  const mime = (getRequestHeader(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (mime !== grant.contentType) throw apiError('unsupported_media_type', `This upload expects Content-Type ${grant.contentType}`)

  // Piped through a PassThrough so a refused body does not destroy the request socket before the 413 is sent;
  // pipe() does not forward an aborted request, so that is passed on by hand (else the put would wait forever).
  const req = event.node.req
  const body = req.pipe(new PassThrough())
  req.once('close', () => {
    if (!req.complete) body.destroy(new Error('upload aborted by the client'))
  })
  try {
    const stored = await storage.put(key, body, { contentType: grant.contentType, maxBytes: grant.maxBytes, overwrite: false })
    setResponseHeader(event, 'ETag', `"${stored.sha256}"`)
    return { key, size: stored.size, sha256: stored.sha256 }
  } catch (error) {
    req.unpipe()
    setResponseHeader(event, 'Connection', 'close')
    throw error
  }
})
