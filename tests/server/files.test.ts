import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture, uniq } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'
import { absolute, createAndPut, pngWithExif, scanned, uploadFile } from '../helpers/files'
import { baseURL, signInAdmin } from '../helpers/server'
import { wsConnect } from '../helpers/ws'
import { eicarBytes } from '../helpers/clamd'

let f: ProjectFixture
let admin: Actor
let conversationId: string
const abs = (url: string) => absolute(url, baseURL())

const createFile = (actor: Actor, body: Record<string, unknown>, conversation = conversationId) =>
  actor.api.post(`/conversations/${conversation}/files`, body)

async function sendWithFiles(actor: Actor, fileIds: string[], content = '') {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('c'), content, type: 'file', fileIds })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.message
}

// A Windows executable's first bytes ("MZ", the DOS stub) wearing a .png name.
const renamedExecutable = () => Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 'latin1'), Buffer.alloc(2048, 0x41)])

describe('files: create → signed PUT → complete → scan → download', () => {
  beforeAll(async () => {
    admin = await signInAdmin()
    f = await createProjectFixture(baseURL(), admin)
    conversationId = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, {
      title: 'Files', kind: 'support', participantIds: [f.client.user.id]
    })).body.conversation.id
  })

  it('takes a PNG, tells its uploader over the socket when the scan passed, and serves it to readers with a preview', async () => {
    const socket = await wsConnect(baseURL(), { token: f.client.token })
    const png = await pngWithExif()
    const { file: created, upload } = await createAndPut(f.client, conversationId, { name: 'holiday photo.png', type: 'image/png', bytes: png })
    expect(created).toMatchObject({ conversationId, messageId: null, fileName: 'holiday photo.png', size: png.length, mimeType: 'image/png', status: 'pending_upload' })
    expect(upload).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'image/png' } })
    expect(new Date(upload.expiresAt).getTime() - Date.now()).toBeGreaterThan(9 * 60_000)

    const completed = await f.client.api.post(`/files/${created.id}/complete`)
    expect(completed.status).toBe(200)
    expect(['pending_scan', 'available']).toContain(completed.body.file.status)

    const updated = await socket.next(fr => fr.type === 'file:updated' && fr.data.file.id === created.id, 20_000)
    expect(updated.conversationId).toBe(conversationId)
    const file = updated.data.file
    expect(file).toMatchObject({ status: 'available', blockedReason: null, virusScanned: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(file.sha256).toBe((await import('node:crypto')).createHash('sha256').update(png).digest('hex'))
    expect(file.thumbnailUrl).toEqual(expect.any(String))

    // The preview: small, WebP, without the original's EXIF.
    const thumb = Buffer.from(await (await fetch(abs(file.thumbnailUrl))).arrayBuffer())
    const meta = await sharp(thumb).metadata()
    expect(meta.format).toBe('webp')
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(480)
    expect(meta.exif).toBeUndefined()
    expect(thumb.includes(Buffer.from('exif-artist-marker'))).toBe(false)
    expect((await sharp(png).metadata()).exif).toBeDefined()

    // Attached to a message, the other participant reads it through a 5-minute attachment URL.
    const message = await sendWithFiles(f.client, [created.id])
    expect(message.files).toEqual([expect.objectContaining({ id: created.id, status: 'available', messageId: message.id })])
    const seen = await f.staff.api.get(`/files/${created.id}`)
    expect(seen.status).toBe(200)
    const expiresIn = new Date(seen.body.expiresAt).getTime() - Date.now()
    expect(expiresIn).toBeGreaterThan(4 * 60_000)
    expect(expiresIn).toBeLessThanOrEqual(5 * 60_000 + 1000)
    const download = await fetch(abs(seen.body.downloadUrl))
    expect(download.status).toBe(200)
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="holiday photo.png"; filename*=UTF-8\'\'holiday%20photo.png')
    expect(download.headers.get('x-content-type-options')).toBe('nosniff')
    expect(download.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true)

    // History carries the file with a fresh preview URL.
    const history = await f.staff.api.get(`/conversations/${conversationId}/messages?limit=5`)
    const listed = history.body.messages.find((m: any) => m.id === message.id)
    expect(listed.files[0]).toMatchObject({ id: created.id, status: 'available', thumbnailUrl: expect.any(String) })
  })

  it('blocks EICAR with the real clamd: never downloadable, listed in the quarantine with the signature', async () => {
    const socket = await wsConnect(baseURL(), { token: f.client.token })
    const file = await uploadFile(f.client, conversationId, { name: 'notes.txt', type: 'text/plain', bytes: eicarBytes() })
    const updated = await socket.next(fr => fr.type === 'file:updated' && fr.data.file.id === file.id, 20_000)
    expect(updated.data.file).toMatchObject({ status: 'blocked', blockedReason: 'infected', virusScanned: true })
    const got = await f.client.api.get(`/files/${file.id}`)
    expect(got.body.file.status).toBe('blocked')
    expect(got.body.downloadUrl).toBeUndefined()
    expect(got.body.file.thumbnailUrl).toBeUndefined()

    const quarantine = await admin.api.get(`/admin/files?status=blocked&projectId=${f.project.id}`)
    expect(quarantine.status).toBe(200)
    const entry = quarantine.body.files.find((q: any) => q.id === file.id)
    expect(entry).toMatchObject({ blockedReason: 'infected', scanDetail: expect.stringMatching(/eicar/i), uploader: { id: f.client.user.id }, projectId: f.project.id })
  })

  it('blocks a renamed executable declared as image/png (magic bytes), without virus or preview', async () => {
    const file = await uploadFile(f.client, conversationId, { name: 'photo.png', type: 'image/png', bytes: renamedExecutable() })
    const result = await scanned(f.client, file.id)
    expect(result.file).toMatchObject({ status: 'blocked', blockedReason: 'type_mismatch' })
    expect(result.downloadUrl).toBeUndefined()
    const entry = (await admin.api.get(`/admin/files?status=blocked&projectId=${f.project.id}`)).body.files.find((q: any) => q.id === file.id)
    expect(entry.scanDetail).toMatch(/declared image\/png, bytes are application\/x-msdownload/)
    // A PNG declared as JPEG is a mismatch too, and binary bytes are not text/plain.
    const png = await uploadFile(f.client, conversationId, { name: 'a.jpg', type: 'image/jpeg', bytes: await pngWithExif(10, 10) })
    expect((await scanned(f.client, png.id)).file.blockedReason).toBe('type_mismatch')
    const binary = await uploadFile(f.client, conversationId, { name: 'b.txt', type: 'text/plain', bytes: Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]) })
    expect((await scanned(f.client, binary.id)).file.blockedReason).toBe('type_mismatch')
  })

  it('gives a decompression bomb (a small PNG of 42 megapixels) a file card instead of a preview', async () => {
    const bomb = await sharp({ create: { width: 7000, height: 6000, channels: 3, background: '#000' } }).png({ compressionLevel: 9 }).toBuffer()
    expect(bomb.length).toBeLessThan(1024 * 1024)
    const file = await uploadFile(f.client, conversationId, { name: 'huge.png', type: 'image/png', bytes: bomb })
    const result = await scanned(f.client, file.id, 30_000)
    expect(result.file).toMatchObject({ status: 'available', mimeType: 'image/png' })
    expect(result.file.thumbnailUrl).toBeUndefined()
    expect(result.downloadUrl).toEqual(expect.any(String))
  })

  it('audit-logs every quarantine view, and lets admins delete a blocked file for good', async () => {
    const file = await uploadFile(f.client, conversationId, { name: 'evil.png', type: 'image/png', bytes: renamedExecutable() })
    await scanned(f.client, file.id)
    // A blocked file cannot be attached any more: the composer shows it as blocked instead.
    const attach = await f.client.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('c'), content: 'x', fileIds: [file.id] })
    expect(attach.status).toBe(422)

    expect((await admin.api.get('/admin/files?status=blocked')).status).toBe(200)
    const views = await admin.api.get(`/admin/audit?action=files.view&actorId=${admin.user.id}&limit=1`)
    expect(views.body.entries[0]).toMatchObject({ action: 'files.view', targetType: 'file', details: { status: 'blocked' } })

    expect((await f.staff.api.get('/admin/files?status=blocked')).status).toBe(404)
    expect((await admin.api.del(`/admin/files/${file.id}`, {})).status).toBe(422)
    const removed = await admin.api.del(`/admin/files/${file.id}`, { reason: 'malware' })
    expect(removed.status).toBe(204)
    expect((await f.client.api.get(`/files/${file.id}`)).status).toBe(404)
    expect((await admin.api.get(`/admin/files?status=blocked&projectId=${f.project.id}`)).body.files.map((q: any) => q.id)).not.toContain(file.id)
    expect((await admin.api.del(`/admin/files/${file.id}`, { reason: 'again' })).status).toBe(404)
    const audit = await admin.api.get(`/admin/audit?action=file.delete&targetId=${file.id}`)
    expect(audit.body.entries).toEqual([expect.objectContaining({ action: 'file.delete', reason: 'malware', targetId: file.id })])
  })

  it('removes a file in a message for good as a sequenced message:updated, with its bytes', async () => {
    const file = await uploadFile(f.client, conversationId, { name: 'leak.txt', type: 'text/plain', bytes: Buffer.from('secret\n') })
    const { downloadUrl } = await scanned(f.client, file.id)
    const staffSocket = await wsConnect(baseURL(), { token: f.staff.token })
    const message = await sendWithFiles(f.client, [file.id], 'see attached')
    const created = await staffSocket.next(fr => fr.type === 'message:new' && fr.data.message.id === message.id)
    expect((await admin.api.del(`/admin/files/${file.id}`, { reason: 'leaked data' })).status).toBe(204)
    const update = await staffSocket.next(fr => fr.type === 'message:updated' && fr.data.message.id === message.id)
    expect(update.seq).toBe(created.seq! + 1)
    expect(update.data.message.files).toEqual([])
    expect((await f.staff.api.get(`/files/${file.id}`)).status).toBe(404)
    // The bytes are gone too: an old signed link finds nothing.
    expect((await fetch(abs(downloadUrl!))).status).toBe(404)
  })

  it('scans and serves the bytes that were completed, even if the upload URL is used again afterwards', async () => {
    const original = Buffer.from('the original text\n')
    const { file, upload } = await createAndPut(f.client, conversationId, { name: 'swap.txt', type: 'text/plain', bytes: original })
    expect((await f.client.api.post(`/files/${file.id}/complete`)).status).toBe(200)
    // The URL is still within its 10 minutes; what it writes now lands beside the file, not in it.
    const swapped = Buffer.from('a swapped payload\n')
    expect(swapped.length).toBe(original.length)
    expect((await fetch(abs(upload.url), { method: 'PUT', headers: upload.headers, body: swapped })).status).toBe(200)
    const { file: done, downloadUrl } = await scanned(f.client, file.id)
    expect(done.sha256).toBe((await import('node:crypto')).createHash('sha256').update(original).digest('hex'))
    expect(Buffer.from(await (await fetch(abs(downloadUrl!))).arrayBuffer()).equals(original)).toBe(true)
  })

  it('refuses a 0-byte file, an oversize one, active or unknown types, and bodies past the signed size', async () => {
    const zero = await createFile(f.client, { fileName: 'empty.txt', size: 0, mimeType: 'text/plain' })
    expect(zero.status).toBe(422)
    expect(zero.body.data.code).toBe('validation_failed')
    const big = await createFile(f.client, { fileName: 'big.pdf', size: 10 * 1024 * 1024 + 1, mimeType: 'application/pdf' })
    expect(big.status).toBe(413)
    expect(big.body.data).toMatchObject({ code: 'payload_too_large', maxBytes: 10 * 1024 * 1024 })
    for (const mimeType of ['text/html', 'image/svg+xml', 'application/x-msdownload', 'application/javascript']) {
      const res = await createFile(f.client, { fileName: 'x', size: 10, mimeType })
      expect(res.status, mimeType).toBe(415)
      expect(res.body.data.code).toBe('unsupported_media_type')
    }
    expect((await createFile(f.client, { fileName: 'x', size: 10, mimeType: 'not a type' })).status).toBe(422)
    expect((await createFile(f.client, { fileName: 'x', size: 1.5, mimeType: 'text/plain' })).status).toBe(422)

    const created = await createFile(f.client, { fileName: 'small.txt', size: 5, mimeType: 'text/plain' })
    const { upload } = created.body
    const tooMuch = await fetch(abs(upload.url), { method: 'PUT', headers: upload.headers, body: Buffer.alloc(50, 0x61) })
    expect(tooMuch.status).toBe(413)
    const wrongType = await fetch(abs(upload.url), { method: 'PUT', headers: { 'Content-Type': 'image/png' }, body: Buffer.alloc(5, 0x61) })
    expect(wrongType.status).toBe(415)
    // Nothing was stored, so complete has nothing to scan.
    expect((await f.client.api.post(`/files/${created.body.file.id}/complete`)).status).toBe(409)
  })

  it('rejects tampered upload and download URLs (path, expiry, signature, method)', async () => {
    const created = await createFile(f.client, { fileName: 't.txt', size: 5, mimeType: 'text/plain' })
    const url = new URL(abs(created.body.upload.url))
    const body = Buffer.from('hello')
    const put = (u: URL | string, method = 'PUT') => fetch(u, { method, headers: created.body.upload.headers, body: method === 'GET' ? undefined : body })
    const otherKey = new URL(url)
    otherKey.pathname = url.pathname.replace(/[0-9a-f-]{36}\.upload$/, '00000000-0000-4000-8000-000000000000.upload')
    expect(otherKey.pathname).not.toBe(url.pathname)
    expect((await put(otherKey)).status).toBe(403)
    const later = new URL(url)
    later.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 3600))
    expect((await put(later)).status).toBe(403)
    const bigger = new URL(url)
    bigger.searchParams.set('max', '999999')
    expect((await put(bigger)).status).toBe(403)
    const unsigned = new URL(url)
    unsigned.searchParams.delete('sig')
    expect((await put(unsigned)).status).toBe(403)
    expect([404, 405]).toContain((await put(url, 'GET')).status)
    expect((await put(url)).status).toBe(200)
    expect((await put(url)).status).toBe(409)

    await f.client.api.post(`/files/${created.body.file.id}/complete`)
    const { downloadUrl } = await scanned(f.client, created.body.file.id)
    const dl = new URL(abs(downloadUrl!))
    const renamed = new URL(dl)
    renamed.searchParams.set('name', 'other.exe')
    expect((await fetch(renamed)).status).toBe(403)
    const expired = new URL(dl)
    expired.searchParams.set('exp', '1000')
    expect((await fetch(expired)).status).toBe(403)
    expect([404, 405]).toContain((await fetch(dl, { method: 'PUT', body: 'x' })).status)
    expect((await fetch(dl)).status).toBe(200)
  })

  it('keeps names as display text: a traversal name is its last segment, controls and bidi tricks go', async () => {
    const traversal = await createFile(f.client, { fileName: '../../etc/passwd', size: 3, mimeType: 'text/plain' })
    expect(traversal.status).toBe(201)
    expect(traversal.body.file.fileName).toBe('passwd')
    expect(traversal.body.upload.url).toMatch(new RegExp(`/storage/upload/${f.project.id}/${conversationId}/${traversal.body.file.id}\\.upload\\?`))
    const windows = await createFile(f.client, { fileName: 'C:\\Users\\me\\report.pdf', size: 3, mimeType: 'application/pdf' })
    expect(windows.body.file.fileName).toBe('report.pdf')
    const bidi = await createFile(f.client, { fileName: 'invoice\u202Egpj.exe', size: 3, mimeType: 'text/plain' })
    expect(bidi.body.file.fileName).toBe('invoicegpj.exe')
    expect((await createFile(f.client, { fileName: '../', size: 3, mimeType: 'text/plain' })).status).toBe(422)

    const file = await uploadFile(f.client, conversationId, { name: 'Résumé "final"; v2.txt', type: 'text/plain', bytes: Buffer.from('plain text\n') })
    const { downloadUrl } = await scanned(f.client, file.id)
    const res = await fetch(abs(downloadUrl!))
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="R_sum_ _final__ v2.txt"; filename*=UTF-8\'\'R%C3%A9sum%C3%A9%20%22final%22%3B%20v2.txt')
  })

  it('answers 404 to readers of another project, 403 to another participant completing, and hides unattached uploads', async () => {
    const other = await createProjectFixture(baseURL(), admin)
    const file = await uploadFile(f.client, conversationId, { name: 'private.txt', type: 'text/plain', bytes: Buffer.from('mine\n') })
    await scanned(f.client, file.id)
    for (const stranger of [other.owner, other.client]) {
      expect((await stranger.api.get(`/files/${file.id}`)).status).toBe(404)
      expect((await stranger.api.post(`/files/${file.id}/complete`)).status).toBe(404)
      expect((await stranger.api.del(`/files/${file.id}`)).status).toBe(404)
      expect((await createFile(stranger, { fileName: 'x.txt', size: 3, mimeType: 'text/plain' })).status).toBe(404)
    }
    // Not yet in a message: nobody but its uploader knows the file.
    expect((await f.staff.api.get(`/files/${file.id}`)).status).toBe(404)
    // A client who is not a participant of the conversation cannot see it either.
    expect((await f.client2.api.get(`/files/${file.id}`)).status).toBe(404)
    await sendWithFiles(f.client, [file.id])
    expect((await f.staff.api.get(`/files/${file.id}`)).status).toBe(200)
    expect((await f.staff.api.post(`/files/${file.id}/complete`)).status).toBe(403)
    expect((await f.client2.api.get(`/files/${file.id}`)).status).toBe(404)
    expect((await f.client.api.del(`/files/${file.id}`)).status).toBe(409)
    expect((await (await signInAdmin()).api.get(`/files/${file.id}`)).status).toBe(200)
    expect((await f.client.api.get('/files/not-a-uuid')).status).toBe(404)
  })

  it('sends a message of files only; an empty message without files is still refused', async () => {
    const file = await uploadFile(f.client, conversationId, { name: 'only.txt', type: 'text/plain', bytes: Buffer.from('x\n') })
    const message = await sendWithFiles(f.client, [file.id])
    expect(message).toMatchObject({ content: '', type: 'file', files: [expect.objectContaining({ id: file.id })] })
    const empty = await f.client.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('c'), content: '  ' })
    expect(empty.status).toBe(422)
    // A file already in a message cannot be attached again, nor someone else's.
    const again = await f.client.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('c'), content: 'x', fileIds: [file.id] })
    expect(again.status).toBe(422)
    const mine = await uploadFile(f.client, conversationId, { name: 'm.txt', type: 'text/plain', bytes: Buffer.from('y\n') })
    const theirs = await f.staff.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('c'), content: 'x', fileIds: [mine.id] })
    expect(theirs.status).toBe(422)
  })

  it('sends files over the socket too: message:send with fileIds and no text', async () => {
    const socket = await wsConnect(baseURL(), { token: f.client.token })
    const file = await uploadFile(f.client, conversationId, { name: 'ws.txt', type: 'text/plain', bytes: Buffer.from('over the socket\n') })
    const reply = await socket.request('message:send', { conversationId, clientId: uniq('c'), content: '', type: 'file', fileIds: [file.id] })
    expect(reply.ok, JSON.stringify(reply)).toBe(true)
    expect(reply.data.message).toMatchObject({ content: '', type: 'file', files: [expect.objectContaining({ id: file.id })] })
    const empty = await socket.request('message:send', { conversationId, clientId: uniq('c'), content: '' })
    expect(empty.ok).toBe(false)
    expect(empty.error.code).toBe('validation_failed')
  })

  it('hides the files of a deleted message from members, and lets uploaders discard unattached uploads', async () => {
    const file = await uploadFile(f.client, conversationId, { name: 'gone.txt', type: 'text/plain', bytes: Buffer.from('bye\n') })
    const message = await sendWithFiles(f.client, [file.id], 'soon gone')
    await scanned(f.client, file.id)
    expect((await f.client.api.del(`/messages/${message.id}`)).status).toBe(200)
    expect((await f.staff.api.get(`/files/${file.id}`)).status).toBe(404)
    expect((await admin.api.get(`/files/${file.id}`)).status).toBe(200)

    const draft = await createFile(f.client, { fileName: 'draft.txt', size: 3, mimeType: 'text/plain' })
    expect((await f.client.api.del(`/files/${draft.body.file.id}`)).status).toBe(204)
    expect((await f.client.api.get(`/files/${draft.body.file.id}`)).status).toBe(404)
    expect((await fetch(abs(draft.body.upload.url), { method: 'PUT', headers: draft.body.upload.headers, body: 'abc' })).status).toBe(200)
  })

  it('refuses uploads where the caller may not post (announcements for clients, locked conversations)', async () => {
    const announcement = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, {
      title: 'News', kind: 'announcement', participantIds: [f.client.user.id]
    })).body.conversation.id
    const res = await createFile(f.client, { fileName: 'x.txt', size: 3, mimeType: 'text/plain' }, announcement)
    expect(res.status).toBe(403)
    expect((await createFile(f.staff, { fileName: 'x.txt', size: 3, mimeType: 'text/plain' }, announcement)).status).toBe(201)
    await admin.api.patch(`/admin/conversations/${announcement}`, { status: 'locked' })
    expect((await createFile(f.staff, { fileName: 'x.txt', size: 3, mimeType: 'text/plain' }, announcement)).status).toBe(423)
  })

  it('limits uploads per user per hour (429 with retryAfterMs)', async () => {
    const uploader = (await createProjectFixture(baseURL(), admin)).staff
    const own = (await uploader.api.get('/projects')).body.projects[0].id
    const conv = (await uploader.api.post(`/projects/${own}/conversations`, { title: 'Lots', kind: 'project', participantIds: [] })).body.conversation.id
    for (let i = 0; i < 50; i++) expect((await createFile(uploader, { fileName: `${i}.txt`, size: 3, mimeType: 'text/plain' }, conv)).status).toBe(201)
    const limited = await createFile(uploader, { fileName: 'one-too-many.txt', size: 3, mimeType: 'text/plain' }, conv)
    expect(limited.status).toBe(429)
    expect(limited.body.data).toMatchObject({ code: 'rate_limited', retryAfterMs: expect.any(Number) })
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
  })
})
