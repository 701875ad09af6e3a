import { createHash, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import postgres from 'postgres'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { createObjectStorage } from '../../server/adapters/storage/use-storage'
import { createStorageUrlSigner } from '../../server/adapters/storage/url-signer'
import { createProjectFixture, uniq } from '../helpers/api'
import { unzip } from '../helpers/exports'
import type { Actor, ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin } from '../helpers/server'

// Postgres run only (scripts/test-all.sh excludes *.postgres.test.ts from the PGlite run): until the files
// API lands, file rows can only be seeded straight into the database, which PGlite keeps inside the app.
let f: ProjectFixture
let admin: Actor
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')

async function send(actor: Actor, conversationId: string, content: string) {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('c'), content })
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.message
}

async function exportOf(conversationId: string, query: string) {
  const res = await fetch(`${baseURL()}/api/admin/conversations/${conversationId}/export?${query}`, { headers: { authorization: `Bearer ${admin.token}` } })
  return { res, bytes: Buffer.from(await res.arrayBuffer()) }
}

beforeAll(async () => {
  admin = await signInAdmin()
  f = await createProjectFixture(baseURL(), admin)
})

describe('conversation export of files', () => {
  it('zip: carries available files\' bytes under files/, lists missing and unavailable ones, and json carries their metadata', async () => {
    const env = inject('appEnv')
    const withFiles = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Files', kind: 'group', participantIds: [f.client.user.id] })).body.conversation.id
    const message = await send(f.client, withFiles, 'see attached')
    const storage = createObjectStorage({ root: join(env.DATA_DIR!, 'storage'), signer: createStorageUrlSigner({ secret: 'test' }) })
    const bytes = Buffer.from(`report ${uniq()}\n`)
    const ids = { kept: randomUUID(), missing: randomUUID(), blocked: randomUUID() }
    await storage.put(`exports-test/${ids.kept}`, bytes)
    await storage.put(`exports-test/${ids.blocked}`, Buffer.from('EICAR-ish'))
    const sql = postgres(env.DATABASE_URL!, { max: 1, onnotice: () => {} })
    try {
      const row = (id: string, fileName: string, status: string, size: number) => ({
        id, conversation_id: withFiles, message_id: message.id, uploader_id: f.client.user.id, file_name: fileName,
        size, mime_type: 'text/plain', sha256: id === ids.kept ? sha256(bytes) : null, status, storage_key: `exports-test/${id}`
      })
      await sql`insert into switchboard.files ${sql([
        row(ids.kept, '../secret/report.txt', 'available', bytes.length),
        row(ids.missing, 'gone.txt', 'available', 10),
        row(ids.blocked, 'virus.exe', 'blocked', 9)
      ])}`
    } finally {
      await sql.end()
    }

    const doc = JSON.parse((await exportOf(withFiles, 'format=json')).bytes.toString('utf8'))
    expect(doc.messages[0].files).toEqual(expect.arrayContaining([
      { id: ids.kept, fileName: '../secret/report.txt', size: bytes.length, mimeType: 'text/plain', sha256: sha256(bytes), status: 'available' },
      expect.objectContaining({ id: ids.blocked, status: 'blocked' })
    ]))

    const entries = await unzip((await exportOf(withFiles, 'format=zip')).bytes)
    const filePath = `files/${ids.kept}-_secret_report.txt`
    expect(entries.map(e => e.path)).toEqual(['messages.ndjson', 'messages.csv', filePath, 'manifest.json'])
    expect(entries[2]!.data.equals(bytes)).toBe(true)
    const manifest = JSON.parse(entries[3]!.data.toString('utf8'))
    expect(manifest.entries).toContainEqual({ path: filePath, size: bytes.length, sha256: sha256(bytes) })
    expect(manifest.counts).toMatchObject({ messages: 1, deleted: 0, files: 3, filesIncluded: 1, filesSkipped: 2 })
    expect(manifest.skippedFiles).toEqual(expect.arrayContaining([
      { id: ids.missing, fileName: 'gone.txt', status: 'available', reason: 'missing' },
      { id: ids.blocked, fileName: 'virus.exe', status: 'blocked', reason: 'not_available' }
    ]))
  })
})
