import { execFileSync } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture, uniq } from '../helpers/api'
import { unzip } from '../helpers/exports'
import type { Actor, ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin, signInAnalyst } from '../helpers/server'
import { until } from '../helpers/wait'

let f: ProjectFixture
let admin: Actor
let group: string
let support: string
let archived: string

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')
const ndjson = (bytes: Buffer) => bytes.toString('utf8').split('\n').filter(Boolean).map(line => JSON.parse(line))

async function send(actor: Actor, conversationId: string, content: string) {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('c'), content })
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.message
}

async function download(path: string, token: string | undefined = admin.token) {
  const res = await fetch(`${baseURL()}/api/admin/${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { res, bytes: Buffer.from(await res.arrayBuffer()) }
}

async function conversation(title: string, participantIds: string[]) {
  return (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title, kind: 'group', participantIds })).body.conversation.id as string
}

beforeAll(async () => {
  admin = await signInAdmin()
  f = await createProjectFixture(baseURL(), admin)
  group = await conversation('Weekly sync', [f.client.user.id, f.client2.user.id])
  support = await conversation('Billing question', [f.client.user.id])
  archived = await conversation('Old thread', [f.client2.user.id])
  for (let i = 0; i < 3; i++) await send(i % 2 ? f.client : f.staff, group, `group ${i}`)
  await send(f.client, support, 'where is my invoice?')
  const removed = await send(f.client2, archived, 'spam spam')
  await admin.api.del(`/admin/messages/${removed.id}`, { reason: 'spam' })
  await admin.api.patch(`/admin/conversations/${archived}`, { status: 'archived', reason: 'closed' })
})

describe('project export', () => {
  it('one zip with every conversation (archived ones too) under conversations/<id>/ and one manifest that verifies', async () => {
    const { res, bytes } = await download(`projects/${f.project.id}/export`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="project-${f.project.slug}.zip"`)
    const entries = await unzip(bytes)
    const paths = entries.map(e => e.path)
    for (const id of [group, support, archived]) {
      expect(paths).toEqual(expect.arrayContaining([`conversations/${id}/conversation.json`, `conversations/${id}/messages.ndjson`, `conversations/${id}/messages.csv`]))
    }
    expect(paths.at(-1)).toBe('manifest.json')
    const manifest = JSON.parse(entries.at(-1)!.data.toString('utf8'))
    expect(manifest.entries).toEqual(entries.slice(0, -1).map(e => ({ path: e.path, size: e.data.length, sha256: sha256(e.data) })))
    expect(manifest).toMatchObject({
      project: { id: f.project.id, slug: f.project.slug },
      parameters: { format: 'zip', from: null, to: null },
      exportedBy: { id: admin.user.id },
      counts: { messages: 5, deleted: 1 }
    })
    const counted = Object.fromEntries(manifest.conversations.map((c: any) => [c.id, c.counts.messages]))
    expect(counted).toEqual({ [group]: 3, [support]: 1, [archived]: 1 })
    const byPath = new Map(entries.map(e => [e.path, e.data]))
    expect(ndjson(byPath.get(`conversations/${archived}/messages.ndjson`)!)).toMatchObject([{ content: 'spam spam', deleted: true, deleteReason: 'spam' }])
    expect(JSON.parse(byPath.get(`conversations/${archived}/conversation.json`)!.toString('utf8'))).toMatchObject({ id: archived, status: 'archived', title: 'Old thread' })
  })

  it('verifies with unzip, jq and sha256sum, the command the manifest itself names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-project-export-'))
    try {
      await writeFile(join(dir, 'p.zip'), (await download(`projects/${f.project.id}/export?format=zip`)).bytes)
      const verify = JSON.parse(execFileSync('unzip', ['-p', 'p.zip', 'manifest.json'], { cwd: dir, encoding: 'utf8' })).verify
      const out = execFileSync('bash', ['-c', `unzip -qo p.zip -d p && cd p && ${verify}`], { cwd: dir, encoding: 'utf8' })
      expect(out).toContain(`conversations/${group}/messages.ndjson: OK`)
      expect(out).not.toContain('FAILED')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('is audit-logged as project.export with its parameters; from/to apply to every conversation', async () => {
    const to = new Date(Date.now() + 60_000).toISOString()
    const { res, bytes } = await download(`projects/${f.project.id}/export?from=2000-01-01T00:00:00Z&to=${to}`)
    expect(res.status).toBe(200)
    expect(JSON.parse((await unzip(bytes)).at(-1)!.data.toString('utf8')).counts.messages).toBe(5)
    const none = await download(`projects/${f.project.id}/export?to=2000-01-01T00:00:00Z`)
    expect(JSON.parse((await unzip(none.bytes)).at(-1)!.data.toString('utf8')).counts.messages).toBe(0)
    const entries = (await admin.api.get(`/admin/audit?action=project.export&targetId=${f.project.id}`)).body.entries
    expect(entries[1]).toMatchObject({ actorId: admin.user.id, targetType: 'project', projectId: f.project.id, details: { format: 'zip', from: '2000-01-01T00:00:00Z', to, conversations: 3 } })
  })

  it('404 for members, owners, analysts and foreign projects, 401 signed out, 400 for another format', async () => {
    const analyst = await signInAnalyst()
    for (const token of [f.client.token, f.owner.token, analyst.token]) {
      expect((await download(`projects/${f.project.id}/export`, token)).res.status).toBe(404)
    }
    expect((await download(`projects/${f.project.id}/export`, '')).res.status).toBe(401)
    expect((await download(`projects/${randomUUID()}/export`)).res.status).toBe(404)
    const csv = await download(`projects/${f.project.id}/export?format=csv`)
    expect(csv.res.status).toBe(400)
    expect(JSON.parse(csv.bytes.toString('utf8')).data.code).toBe('validation_failed')
  })
})

describe('export runs (the progress the exports page polls)', () => {
  it('an export chosen by id reports its totals, then completed with every message and byte counted', async () => {
    const exportId = randomUUID()
    const { res, bytes } = await download(`conversations/${group}/export?format=ndjson&exportId=${exportId}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-export-id')).toBe(exportId)
    const run = (await until(() => admin.api.get(`/admin/exports/${exportId}`), r => r.body.export?.status !== 'running')).body.export
    expect(run).toMatchObject({
      id: exportId, scope: 'conversation', targetId: group, projectId: f.project.id, format: 'ndjson', status: 'completed',
      messagesTotal: 3, messagesWritten: 3, bytesWritten: bytes.length, actor: { id: admin.user.id }
    })
    expect(run.finishedAt).not.toBeNull()
    const audit = (await admin.api.get(`/admin/audit?action=conversation.export&targetId=${group}`)).body.entries
    expect(audit[0].details.exportId).toBe(exportId)
  })

  it('a project zip counts its messages across conversations; the list shows runs newest first', async () => {
    const exportId = randomUUID()
    const { bytes } = await download(`projects/${f.project.id}/export?exportId=${exportId}`)
    const run = (await until(() => admin.api.get(`/admin/exports/${exportId}`), r => r.body.export?.status !== 'running')).body.export
    expect(run).toMatchObject({ scope: 'project', targetId: f.project.id, format: 'zip', status: 'completed', messagesTotal: 5, messagesWritten: 5, bytesWritten: bytes.length })
    const list = (await admin.api.get(`/admin/exports?targetId=${f.project.id}&limit=2`)).body
    expect(list.exports[0]).toMatchObject({ id: exportId, targetName: f.project.name })
    expect(list.exports).toHaveLength(2)
    const next = (await admin.api.get(`/admin/exports?targetId=${f.project.id}&limit=2&cursor=${list.nextCursor}`)).body
    expect(next.exports.map((r: any) => r.id)).not.toContain(exportId)
  })

  it('a reused export id is a 409 and starts nothing; unknown ids 404; members and analysts 404', async () => {
    const exportId = randomUUID()
    expect((await download(`conversations/${support}/export?exportId=${exportId}`)).res.status).toBe(200)
    const again = await download(`conversations/${support}/export?exportId=${exportId}`)
    expect(again.res.status).toBe(409)
    expect(JSON.parse(again.bytes.toString('utf8')).data.code).toBe('conflict')
    const audit = (await admin.api.get(`/admin/audit?action=conversation.export&targetId=${support}`)).body.entries
    expect(audit.filter((e: any) => e.details.exportId === exportId)).toHaveLength(1)
    expect((await admin.api.get(`/admin/exports/${randomUUID()}`)).status).toBe(404)
    expect((await download(`conversations/${support}/export?exportId=not-a-uuid`)).res.status).toBe(400)
    const analyst = await signInAnalyst()
    for (const actor of [f.client, f.owner, analyst]) {
      expect((await actor.api.get(`/admin/exports/${exportId}`)).status).toBe(404)
      expect((await actor.api.get('/admin/exports')).status).toBe(404)
    }
  })

  it('a download whose client leaves does not stay running', async () => {
    const exportId = randomUUID()
    const controller = new AbortController()
    await fetch(`${baseURL()}/api/admin/projects/${f.project.id}/export?exportId=${exportId}`, { headers: { authorization: `Bearer ${admin.token}` }, signal: controller.signal })
    controller.abort()
    const run = (await until(() => admin.api.get(`/admin/exports/${exportId}`), r => r.body.export?.status !== 'running')).body.export
    expect(['abandoned', 'completed']).toContain(run.status)
  })
})
