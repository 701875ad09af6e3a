import sharp from 'sharp'
import type { Actor } from './api'
import { until } from './wait'

export interface Uploaded { file: any, upload: any, created: any }

/**
 * Signed storage URLs are absolute with PUBLIC_URL, else relative to the app (never built from a request's Host
 * header); a client resolves them against the API's origin.
 */
export const absolute = (url: string, base: string) => new URL(url, base).toString()

/** A real PNG of the given size in pixels, carrying EXIF (an artist and a comment) that previews must drop. */
export async function pngWithExif(width = 1200, height = 800): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 30 } } })
    .withExif({ IFD0: { Artist: 'exif-artist-marker', ImageDescription: 'GPS 52.5200 N 13.4050 E' } })
    .png().toBuffer()
}

/** The contract's flow up to the store: create the file, then PUT the bytes to the signed URL with its headers. */
export async function createAndPut(actor: Actor, conversationId: string, input: { name: string, type: string, bytes: Buffer, declaredSize?: number }) {
  const created = await actor.api.post(`/conversations/${conversationId}/files`, { fileName: input.name, size: input.declaredSize ?? input.bytes.length, mimeType: input.type })
  if (created.status !== 201) throw new Error(`create file failed: ${created.status} ${JSON.stringify(created.body)}`)
  const { upload } = created.body
  const put = await fetch(absolute(upload.url, actor.api.baseURL), { method: upload.method, headers: upload.headers, body: new Uint8Array(input.bytes) })
  if (!put.ok) throw new Error(`upload failed: ${put.status} ${await put.text()}`)
  return created.body as { file: any, upload: any }
}

/** create → PUT → complete; answers the completed file (pending_scan, or already decided when the scan was quick). */
export async function uploadFile(actor: Actor, conversationId: string, input: { name: string, type: string, bytes: Buffer }) {
  const { file } = await createAndPut(actor, conversationId, input)
  const done = await actor.api.post(`/files/${file.id}/complete`)
  if (done.status !== 200) throw new Error(`complete failed: ${done.status} ${JSON.stringify(done.body)}`)
  return done.body.file as { id: string, status: string }
}

/** Waits for the scan job to decide (an outside process: polling GET /files/:id is the only way to see it over REST). */
export async function scanned(actor: Actor, fileId: string, timeoutMs = 20_000) {
  const res = await until(() => actor.api.get(`/files/${fileId}`), r => r.status === 200 && ['available', 'blocked'].includes(r.body.file.status), timeoutMs)
  return res.body as { file: any, downloadUrl?: string, expiresAt?: string }
}
