import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture, signIn } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { ADMIN, startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'
import { eicarBytes, startClamd } from '../helpers/clamd'
import type { ClamdProcess } from '../helpers/clamd'
import { createAndPut, pngWithExif, scanned, uploadFile } from '../helpers/files'
import { startS3Server } from '../helpers/s3-server'
import type { TestS3 } from '../helpers/s3-server'
import { dbMode } from '../helpers/server'
import { wsConnect } from '../helpers/ws'

// The same app on STORAGE_DRIVER=s3: the bytes go browser → S3 (s3rver behind a SigV4-checking front) and the
// scanner reads them back from there; the code above the storage adapter is the one the local-disk suite runs.
let s3: TestS3
let clamd: ClamdProcess
let stack: TestStack
let f: ProjectFixture
let conversationId: string

describe('files on S3-protocol storage', () => {
  beforeAll(async () => {
    s3 = await startS3Server()
    clamd = await startClamd()
    stack = await startTestStack(dbMode(), { ...s3.env, CLAMAV_SOCKET: clamd.socketPath })
    f = await createProjectFixture(stack.app.baseURL, await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password))
    conversationId = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, {
      title: 'S3', kind: 'support', participantIds: [f.client.user.id]
    })).body.conversation.id
  })
  afterAll(async () => {
    await stack?.teardown()
    await clamd?.stop()
    await s3?.close()
  })

  it('uploads straight to the bucket under a server-made key, scans from there, and serves presigned attachments', async () => {
    const socket = await wsConnect(stack.app.baseURL, { token: f.client.token })
    const png = await pngWithExif(900, 600)
    const { file, upload } = await createAndPut(f.client, conversationId, { name: '../../photo.png', type: 'image/png', bytes: png })
    // Size and type are part of the signature: the store, not the app, receives the bytes.
    expect(upload.url.startsWith(`${s3.endpoint}/${s3.bucket}/${f.project.id}/${conversationId}/${file.id}.upload?`)).toBe(true)
    expect(upload.headers).toMatchObject({ 'Content-Type': 'image/png', 'Content-Length': String(png.length) })
    expect(new URL(upload.url).searchParams.get('X-Amz-Expires')).toBe('600')
    expect(file.fileName).toBe('photo.png')

    expect((await f.client.api.post(`/files/${file.id}/complete`)).status).toBe(200)
    const updated = await socket.next(fr => fr.type === 'file:updated' && fr.data.file.id === file.id, 20_000)
    expect(updated.data.file).toMatchObject({ status: 'available', virusScanned: true, thumbnailUrl: expect.any(String) })
    const keys = await s3.listKeys()
    expect(keys).toEqual(expect.arrayContaining([`${f.project.id}/${conversationId}/${file.id}`, `${f.project.id}/${conversationId}/${file.id}.thumb.webp`]))
    expect(keys).not.toContain(`${f.project.id}/${conversationId}/${file.id}.upload`)

    const thumb = await fetch(updated.data.file.thumbnailUrl)
    expect(thumb.status).toBe(200)
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()
    expect(meta).toMatchObject({ format: 'webp' })
    expect(meta.exif).toBeUndefined()

    const got = await f.client.api.get(`/files/${file.id}`)
    const download = await fetch(got.body.downloadUrl)
    expect(download.status).toBe(200)
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="photo.png"; filename*=UTF-8\'\'photo.png')
    expect(download.headers.get('content-type')).toBe('image/png')
    expect(download.headers.get('cache-control')).toBe('private, no-store')
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true)
  })

  it('keeps the scanned bytes when the upload URL is replayed after complete (stores that ignore If-None-Match)', async () => {
    // s3rver, like Supabase Storage, does not honour If-None-Match: the second PUT is accepted by the store.
    const original = Buffer.from('original,csv\n1,2\n')
    const { file, upload } = await createAndPut(f.client, conversationId, { name: 'data.csv', type: 'text/csv', bytes: original })
    expect((await f.client.api.post(`/files/${file.id}/complete`)).status).toBe(200)
    const replay = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: Buffer.from('swapped!,csv\n3,4\n') })
    expect(replay.status).toBe(200)
    const { downloadUrl } = await scanned(f.client, file.id)
    expect(Buffer.from(await (await fetch(downloadUrl!)).arrayBuffer()).equals(original)).toBe(true)
  })

  it('refuses a body other than the signed one, and blocks EICAR read back from the bucket', async () => {
    const created = await f.client.api.post(`/conversations/${conversationId}/files`, { fileName: 'a.txt', size: 5, mimeType: 'text/plain' })
    const { upload } = created.body
    const longer = await fetch(upload.url, { method: 'PUT', headers: { ...upload.headers, 'Content-Length': '6' }, body: 'hello!' })
    expect(longer.ok).toBe(false)
    const otherType = await fetch(upload.url, { method: 'PUT', headers: { ...upload.headers, 'Content-Type': 'text/html' }, body: 'hello' })
    expect(otherType.status).toBe(403)
    expect((await f.client.api.post(`/files/${created.body.file.id}/complete`)).status).toBe(409)

    const infected = await uploadFile(f.client, conversationId, { name: 'notes.txt', type: 'text/plain', bytes: eicarBytes() })
    const result = await scanned(f.client, infected.id)
    expect(result.file).toMatchObject({ status: 'blocked', blockedReason: 'infected' })
    expect(result.downloadUrl).toBeUndefined()
  })
})
