import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api, createProjectFixture, signIn } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'
import { ADMIN, startApp, startTestStack } from '../helpers/app-process'
import type { AppProcess, TestStack } from '../helpers/app-process'
import { eicarBytes, startClamd } from '../helpers/clamd'
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
let socketPath: string

const LIFECYCLE_ENV = { UPLOAD_URL_TTL_SECONDS: '2', FILE_UPLOAD_GRACE_SECONDS: '0', FILE_SWEEP_SECONDS: '1', FILE_RESCAN_AFTER_SECONDS: '1' }

/** Points an actor at the restarted app (its token stays valid: same AUTH_SECRET and database). */
const on = (actor: Actor) => {
  actor.api = new Api(app.baseURL, actor.token)
}

describe('file scans as jobs: clamd down, restarts, expiry', () => {
  beforeAll(async () => {
    clamdHome = await mkdtemp(join(tmpdir(), 'sb-clamd-down-'))
    // A socket path where no clamd listens yet.
    socketPath = join(clamdHome, 'clamd.sock')
    stack = await startTestStack(dbMode(), { ...LIFECYCLE_ENV, CLAMAV_SOCKET: socketPath })
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

  it('keeps files pending_scan and undownloadable while clamd is down; when it is back, the conversation hears the verdicts', async () => {
    const clean = await uploadFile(f.client, conversationId, { name: 'report.txt', type: 'text/plain', bytes: Buffer.from('quarterly numbers\n') })
    const infected = await uploadFile(f.client, conversationId, { name: 'notes.txt', type: 'text/plain', bytes: eicarBytes() })
    expect([clean.status, infected.status]).toEqual(['pending_scan', 'pending_scan'])
    // The scan job fails against the missing socket and is retried (and re-queued by the sweep).
    await until(async () => app.output(), out => out.includes('clamd is unreachable'))
    const waiting = await f.client.api.get(`/files/${clean.id}`)
    expect(waiting.body.file.status).toBe('pending_scan')
    expect(waiting.body.downloadUrl).toBeUndefined()
    const sent = await f.client.api.post(`/conversations/${conversationId}/messages`, { clientId: `c-${clean.id}`, content: 'two files', type: 'file', fileIds: [clean.id, infected.id] })
    expect(sent.status).toBe(201)
    expect(sent.body.message.files.map((x: any) => x.status)).toEqual(['pending_scan', 'pending_scan'])
    expect((await f.staff.api.get(`/files/${clean.id}`)).body.downloadUrl).toBeUndefined()

    // The other participant is listening when clamd comes back on the socket the app was given.
    const staff = await wsConnect(app.baseURL, { token: f.staff.token })
    const clamd = await startClamd({ socketPath })
    try {
      const verdicts = new Map<string, any>()
      while (verdicts.size < 2) {
        const frame = await staff.next(fr => fr.type === 'file:updated', 30_000)
        expect(frame.conversationId).toBe(conversationId)
        verdicts.set(frame.data.file.id, frame.data.file)
      }
      expect(verdicts.get(clean.id)).toMatchObject({ status: 'available', virusScanned: true, messageId: sent.body.message.id })
      expect(verdicts.get(infected.id)).toMatchObject({ status: 'blocked', blockedReason: 'infected', virusScanned: true })
      expect((await f.staff.api.get(`/files/${clean.id}`)).body.downloadUrl).toEqual(expect.any(String))
    } finally {
      await clamd.stop()
    }
  })

  it('keeps a scan job across a restart: completed while clamd is down, decided by the next process', async () => {
    const file = await uploadFile(f.client, conversationId, { name: 'later.txt', type: 'text/plain', bytes: Buffer.from('after the restart\n') })
    expect((await f.client.api.get(`/files/${file.id}`)).body.file.status).toBe('pending_scan')
    await app.stop()
    const clamd = await startClamd({ socketPath })
    try {
      app = await startApp(stack.app.env, dbMode())
      on(f.client)
      expect((await scanned(f.client, file.id, 30_000)).file).toMatchObject({ status: 'available', virusScanned: true })
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
    const stored = join(stack.app.env.DATA_DIR!, 'storage', 'objects', f.project.id, conversationId, `${file.id}.upload`)
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
