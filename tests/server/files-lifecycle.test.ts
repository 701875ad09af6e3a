import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api, createProjectFixture, signIn } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'
import { ADMIN, startApp, startTestStack } from '../helpers/app-process'
import type { AppProcess, TestStack } from '../helpers/app-process'
import { startClamd } from '../helpers/clamd'
import { createAndPut, scanned, uploadFile } from '../helpers/files'
import { dbMode } from '../helpers/server'
import { until } from '../helpers/wait'
import { wsConnect } from '../helpers/ws'

// Scans are jobs in the database: a file completed while clamd is down waits in pending_scan (never
// downloadable), survives a restart, and is decided once a scanner answers. Uploads never completed expire.
let stack: TestStack
let app: AppProcess
let f: ProjectFixture
let conversationId: string
let clamdHome: string

const LIFECYCLE_ENV = { UPLOAD_URL_TTL_SECONDS: '2', FILE_UPLOAD_GRACE_SECONDS: '0', FILE_SWEEP_SECONDS: '1', FILE_RESCAN_AFTER_SECONDS: '1' }

/** Points an actor at the restarted app (its token stays valid: same AUTH_SECRET and database). */
const on = (actor: Actor) => {
  actor.api = new Api(app.baseURL, actor.token)
}

describe('file scans as jobs: clamd down, restarts, expiry', () => {
  beforeAll(async () => {
    clamdHome = await mkdtemp(join(tmpdir(), 'sb-clamd-down-'))
    // A socket path where no clamd listens yet.
    stack = await startTestStack(dbMode(), { ...LIFECYCLE_ENV, CLAMAV_SOCKET: join(clamdHome, 'missing.sock') })
    app = stack.app
    f = await createProjectFixture(app.baseURL, await signIn(app.baseURL, ADMIN.email, ADMIN.password))
    conversationId = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, {
      title: 'Lifecycle', kind: 'support', participantIds: [f.client.user.id]
    })).body.conversation.id
  })
  afterAll(async () => {
    await app?.stop()
    await stack?.teardown()
    await rm(clamdHome, { recursive: true, force: true })
  })

  it('keeps a file pending_scan and undownloadable while clamd is down, and scans it after a restart once clamd is up', async () => {
    const file = await uploadFile(f.client, conversationId, { name: 'report.txt', type: 'text/plain', bytes: Buffer.from('quarterly numbers\n') })
    expect(file.status).toBe('pending_scan')
    // The scan job fails against the missing socket and is retried; the sweep re-queues it. Either way:
    await until(async () => app.output(), out => /files\.scan|clamd is unreachable/.test(out))
    const waiting = await f.client.api.get(`/files/${file.id}`)
    expect(waiting.body.file.status).toBe('pending_scan')
    expect(waiting.body.downloadUrl).toBeUndefined()
    const message = await f.client.api.post(`/conversations/${conversationId}/messages`, { clientId: `c-${file.id}`, content: '', type: 'file', fileIds: [file.id] })
    expect(message.status).toBe(201)
    expect((await f.staff.api.get(`/files/${file.id}`)).body.downloadUrl).toBeUndefined()

    // Restart on the same database, now with a clamd on that socket path.
    await app.stop()
    const clamd = await startClamd()
    try {
      app = await startApp({ ...stack.app.env, CLAMAV_SOCKET: clamd.socketPath }, dbMode())
      on(f.client)
      on(f.staff)
      const socket = await wsConnect(app.baseURL, { token: f.staff.token })
      const result = await scanned(f.staff, file.id, 30_000)
      expect(result.file).toMatchObject({ status: 'available', virusScanned: true })
      expect(result.downloadUrl).toEqual(expect.any(String))
      // It is in a message by now, so the conversation heard about it (unless it was decided before the socket opened).
      if (socket.frames.some(fr => fr.type === 'file:updated')) {
        expect(socket.frames.find(fr => fr.type === 'file:updated')!.data.file).toMatchObject({ id: file.id, status: 'available' })
      }
    } finally {
      await app.stop()
      await clamd.stop()
    }
  })

  it('without a scanner configured, runs the type and size checks and says the file was not virus-scanned', async () => {
    const env = { ...stack.app.env }
    delete env.CLAMAV_SOCKET
    app = await startApp(env, dbMode())
    on(f.client)
    const file = await uploadFile(f.client, conversationId, { name: 'plain.txt', type: 'text/plain', bytes: Buffer.from('no clamd here\n') })
    expect((await scanned(f.client, file.id)).file).toMatchObject({ status: 'available', virusScanned: false })
    const fake = await uploadFile(f.client, conversationId, { name: 'fake.png', type: 'image/png', bytes: Buffer.from('MZ\x90\x00 not a png', 'latin1') })
    expect((await scanned(f.client, fake.id)).file).toMatchObject({ status: 'blocked', blockedReason: 'type_mismatch', virusScanned: false })
  })

  it('removes an upload never completed once its signed URL expired, bytes included; completing late is refused', async () => {
    const { file, upload } = await createAndPut(f.client, conversationId, { name: 'late.txt', type: 'text/plain', bytes: Buffer.from('abc') })
    const stored = join(stack.app.env.DATA_DIR!, 'storage', 'objects', f.project.id, conversationId, file.id)
    expect(existsSync(stored)).toBe(true)
    const untouched = await f.client.api.post(`/conversations/${conversationId}/files`, { fileName: 'never.txt', size: 3, mimeType: 'text/plain' })
    expect(new Date(upload.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(2000)
    // The files.sweep schedule runs every second here; the rows are gone once their window (2 s) has passed.
    await until(() => f.client.api.get(`/files/${untouched.body.file.id}`), r => r.status === 404, 20_000)
    await until(() => f.client.api.get(`/files/${file.id}`), r => r.status === 404, 20_000)
    expect((await f.client.api.post(`/files/${file.id}/complete`)).status).toBe(404)
    expect(existsSync(stored)).toBe(false)
    // And the signed URL is dead by now, so nothing can be put back under the key.
    const again = await fetch(new URL(upload.url, app.baseURL), { method: 'PUT', headers: upload.headers, body: 'abc' })
    expect(again.status).toBe(403)
  })
})
