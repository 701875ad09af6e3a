import { buildContentDisposition, isStorageKey } from '#server/adapters/storage/storage'

/**
 * Serves an object from local-disk storage to the holder of a signed download URL. Always an attachment,
 * never sniffed and sandboxed, so an uploaded HTML or SVG file cannot run as this origin.
 */
export default defineEventHandler(async (event) => {
  const storage = useObjectStorage()
  const key = getRouterParam(event, 'key')
  if (storage.provider !== 'local' || !isStorageKey(key)) throw notFound()
  const grant = useStorageUrlSigner().verifyDownload(key, getQuery(event))
  const info = await storage.stat(key)
  if (!info) throw notFound('No such object')

  setResponseHeaders(event, {
    'Content-Type': info.contentType,
    'Content-Length': String(info.size),
    'Content-Disposition': buildContentDisposition(grant.fileName || key.split('/').pop()!),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': 'default-src \'none\'; sandbox',
    'Cache-Control': 'private, no-store'
  })
  return sendStream(event, await storage.get(key))
})
