import { execFileSync } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { text } from 'node:stream/consumers'
import { beforeAll, describe, expect, it } from 'vitest'
import { csvField } from '../../layers/admin/server/domain/exports/csv'
import { Api, createProjectFixture, uniq } from '../helpers/api'
import { parseCsv, unzip } from '../helpers/exports'
import type { Actor, ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin, signInAnalyst } from '../helpers/server'

let f: ProjectFixture
let admin: Actor
let conv: string
const sent: Record<string, any> = {}

const INJECTIONS = ['=HYPERLINK("http://evil.example","click")', '+1', '-2', '@SUM(A1:A9)']
const QUOTED = 'hello, "world"\nsecond line\r\nthird'
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')
// The clock itself is under test here: from/to bounds must fall between messages, so sends are spaced apart.
const spaceApart = (ms: number) => new Promise(r => setTimeout(r, ms))

async function send(actor: Actor, conversationId: string, content: string) {
  const res = await actor.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('c'), content })
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.message
}

async function exportOf(conversationId: string, query: string, token: string | undefined = admin.token) {
  const res = await fetch(`${baseURL()}/api/admin/conversations/${conversationId}/export?${query}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {}
  })
  return { res, bytes: Buffer.from(await res.arrayBuffer()) }
}

const ndjson = (bytes: Buffer) => bytes.toString('utf8').split('\n').filter(Boolean).map(line => JSON.parse(line))

beforeAll(async () => {
  admin = await signInAdmin()
  f = await createProjectFixture(baseURL(), admin)
  conv = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Exported', kind: 'group', participantIds: [f.client.user.id, f.client2.user.id] })).body.conversation.id
  sent.quoted = await send(f.client, conv, QUOTED)
  sent.edited = await send(f.client2, conv, 'draft one')
  await f.client2.api.patch(`/messages/${sent.edited.id}`, { content: 'draft two' })
  await f.client2.api.patch(`/messages/${sent.edited.id}`, { content: 'final words' })
  await f.client.api.post(`/messages/${sent.edited.id}/reactions`, { emoji: '👍' })
  await f.staff.api.post(`/messages/${sent.edited.id}/reactions`, { emoji: '👍' })
  await f.client.api.post(`/messages/${sent.edited.id}/reactions`, { emoji: '🎉' })
  sent.selfDeleted = await send(f.client, conv, 'I regret this')
  await f.client.api.del(`/messages/${sent.selfDeleted.id}`)
  sent.moderated = await send(f.client2, conv, 'abusive words')
  await admin.api.del(`/admin/messages/${sent.moderated.id}`, { reason: 'abuse' })
  for (const [i, payload] of INJECTIONS.entries()) sent[`inject${i}`] = await send(f.staff, conv, payload)
})

describe('conversation export formats', () => {
  it('json: one document with the conversation, the exporter and every message in seq order, deleted ones flagged with their body', async () => {
    const { res, bytes } = await exportOf(conv, 'format=json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="conversation-${conv}.json"`)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const doc = JSON.parse(bytes.toString('utf8'))
    expect(doc.conversation).toMatchObject({ id: conv, projectId: f.project.id, title: 'Exported', kind: 'group' })
    expect(doc.exportedBy).toMatchObject({ id: admin.user.id, email: admin.user.email })
    expect(Date.parse(doc.exportedAt)).not.toBeNaN()
    const messages = doc.messages as any[]
    expect(messages.map(m => m.seq)).toEqual([...messages.map(m => m.seq)].sort((a, b) => a - b))
    expect(messages).toHaveLength(4 + INJECTIONS.length)

    const byId = new Map(messages.map(m => [m.id, m]))
    expect(byId.get(sent.quoted.id)).toMatchObject({ content: QUOTED, deleted: false, sender: { id: f.client.user.id, displayName: f.client.user.displayName } })
    expect(byId.get(sent.selfDeleted.id)).toMatchObject({ content: 'I regret this', deleted: true, deletedBy: { id: f.client.user.id, displayName: f.client.user.displayName } })
    expect(byId.get(sent.moderated.id)).toMatchObject({ content: 'abusive words', deleted: true, deletedBy: { id: admin.user.id } })
    expect(byId.get(sent.moderated.id).deletedAt).not.toBeNull()

    const edited = byId.get(sent.edited.id)
    expect(edited.content).toBe('final words')
    expect(edited.editedAt).not.toBeNull()
    expect(edited.edits.map((e: any) => e.previousContent)).toEqual(['draft one', 'draft two'])
    expect(edited.edits[0].editedBy).toEqual({ id: f.client2.user.id, displayName: f.client2.user.displayName })
    expect(edited.reactions).toEqual([
      { emoji: '👍', users: [{ id: f.client.user.id, displayName: f.client.user.displayName }, { id: f.staff.user.id, displayName: f.staff.user.displayName }] },
      { emoji: '🎉', users: [{ id: f.client.user.id, displayName: f.client.user.displayName }] }
    ])
    expect(edited.files).toEqual([])
  })

  it('ndjson: one message per line, the same records as the json document', async () => {
    const { res, bytes } = await exportOf(conv, 'format=ndjson')
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="conversation-${conv}.ndjson"`)
    expect(bytes.toString('utf8').endsWith('\n')).toBe(true)
    const doc = JSON.parse((await exportOf(conv, 'format=json')).bytes.toString('utf8'))
    expect(ndjson(bytes)).toEqual(doc.messages)
  })

  it('csv: RFC 4180 with a header row, quotes doubled, line breaks kept inside quotes, and formulas neutralised', async () => {
    const { res, bytes } = await exportOf(conv, 'format=csv')
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="conversation-${conv}.csv"`)
    const raw = bytes.toString('utf8')
    expect(raw).toContain('"\'=HYPERLINK(""http://evil.example"",""click"")"')
    const [header, ...rows] = parseCsv(raw)
    expect(header!.slice(0, 7)).toEqual(['id', 'seq', 'createdAt', 'senderId', 'senderName', 'type', 'content'])
    expect(rows).toHaveLength(4 + INJECTIONS.length)
    const col = (name: string) => header!.indexOf(name)
    const row = (id: string) => rows.find(r => r[col('id')] === id)!
    expect(row(sent.quoted.id)[col('content')]).toBe(QUOTED)
    for (const [i, payload] of INJECTIONS.entries()) expect(row(sent[`inject${i}`].id)[col('content')]).toBe(`'${payload}`)
    expect(row(sent.selfDeleted.id)[col('deleted')]).toBe('true')
    expect(row(sent.selfDeleted.id)[col('content')]).toBe('I regret this')
    expect(row(sent.edited.id)[col('senderName')]).toBe(f.client2.user.displayName)
    expect(JSON.parse(row(sent.edited.id)[col('edits')]!).map((e: any) => e.previousContent)).toEqual(['draft one', 'draft two'])
    expect(JSON.parse(row(sent.edited.id)[col('reactions')]!).map((r: any) => r.emoji)).toEqual(['👍', '🎉'])
  })

  it('csv fields: every formula lead character (= + - @ tab CR) gets an apostrophe, then RFC 4180 quoting applies', () => {
    expect(csvField('=1+1')).toBe('\'=1+1')
    expect(csvField('+1')).toBe('\'+1')
    expect(csvField('-2')).toBe('\'-2')
    expect(csvField('@SUM(A1)')).toBe('\'@SUM(A1)')
    expect(csvField('\tcmd')).toBe('\'\tcmd')
    expect(csvField('\rcmd')).toBe('"\'\rcmd"')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('plain')).toBe('plain')
    expect(csvField(null)).toBe('')
    expect(csvField([{ a: 1 }])).toBe('"[{""a"":1}]"')
  })

  it('zip: messages.ndjson, messages.csv and a manifest whose SHA-256 and sizes verify every entry', async () => {
    const { res, bytes } = await exportOf(conv, 'format=zip')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="conversation-${conv}.zip"`)
    const entries = await unzip(bytes)
    expect(entries.map(e => e.path)).toEqual(['messages.ndjson', 'messages.csv', 'manifest.json'])
    const manifest = JSON.parse(entries.at(-1)!.data.toString('utf8'))
    expect(manifest.entries).toEqual(entries.slice(0, -1).map(e => ({ path: e.path, size: e.data.length, sha256: sha256(e.data) })))
    expect(manifest).toMatchObject({
      conversation: { id: conv },
      parameters: { format: 'zip', from: null, to: null },
      exportedBy: { id: admin.user.id, email: admin.user.email },
      counts: { messages: 4 + INJECTIONS.length, deleted: 2, files: 0 }
    })
    expect(ndjson(entries[0]!.data)).toEqual(ndjson((await exportOf(conv, 'format=ndjson')).bytes))
    expect(entries[1]!.data.equals((await exportOf(conv, 'format=csv')).bytes)).toBe(true)
  })

  // unzip and jq come from Debian (scripts/test-all.sh installs them), as a recipient would have them.
  it('zip: the verification command of docs/api.md passes with standard tools', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-export-'))
    try {
      await writeFile(join(dir, 'x.zip'), (await exportOf(conv, 'format=zip')).bytes)
      const out = execFileSync('bash', ['-c', 'unzip -qo x.zip -d x && cd x && jq -r \'.entries[] | "\\(.sha256)  \\(.path)"\' manifest.json | sha256sum -c'], { cwd: dir, encoding: 'utf8' })
      expect(out).toContain('messages.ndjson: OK')
      expect(out).toContain('messages.csv: OK')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('pages through conversations longer than one batch without gaps or repeats', async () => {
    const long = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Long', kind: 'group', participantIds: [f.client.user.id] })).body.conversation.id
    const total = 520
    for (let i = 0; i < total; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, total - i) }, (_, j) => send(j % 2 ? f.client : f.staff, long, `m${i + j}`)))
    }
    const records = ndjson((await exportOf(long, 'format=ndjson')).bytes)
    expect(records).toHaveLength(total)
    expect(new Set(records.map(r => r.id)).size).toBe(total)
    expect(records.every((r, i) => i === 0 || r.seq > records[i - 1].seq)).toBe(true)
  })
})

describe('conversation export filters and audit', () => {
  it('from/to filter by createdAt (inclusive) and each export is audit-logged with its parameters', async () => {
    const timed = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Timed', kind: 'group', participantIds: [f.client.user.id] })).body.conversation.id
    const a = await send(f.client, timed, 'early')
    await spaceApart(40)
    const b = await send(f.client, timed, 'middle')
    await spaceApart(40)
    const c = await send(f.client, timed, 'late')
    const from = b.createdAt
    const to = new Date(Date.parse(c.createdAt) - 20).toISOString()
    const ids = async (query: string) => ndjson((await exportOf(timed, `format=ndjson&${query}`)).bytes).map(m => m.id)
    expect(await ids(`from=${from}&to=${to}`)).toEqual([b.id])
    expect(await ids(`from=${from}`)).toEqual([b.id, c.id])
    expect(await ids(`to=${to}`)).toEqual([a.id, b.id])

    const entries = (await admin.api.get(`/admin/audit?action=conversation.export&targetId=${timed}`)).body.entries
    expect(entries).toHaveLength(3)
    expect(entries[0]).toMatchObject({ actorId: admin.user.id, targetType: 'conversation', projectId: f.project.id, details: { format: 'ndjson', from: null, to } })
    expect(entries[2].details).toEqual({ format: 'ndjson', from, to, exportId: expect.any(String) })
  })

  it('answers 404 to members, owners and analysts, 401 signed out, 404 for a foreign id, 400 for a bad format or range', async () => {
    const analyst = await signInAnalyst()
    for (const token of [f.client.token, f.owner.token, f.staff.token, analyst.token]) {
      const { res } = await exportOf(conv, 'format=json', token)
      expect(res.status).toBe(404)
    }
    const signedOut = await exportOf(conv, 'format=json', '')
    expect(signedOut.res.status).toBe(401)
    expect((await exportOf(randomUUID(), 'format=json')).res.status).toBe(404)
    expect((await exportOf('not-a-uuid', 'format=json')).res.status).toBe(404)
    const bad = await exportOf(conv, 'format=xml')
    expect(bad.res.status).toBe(400)
    expect(JSON.parse(bad.bytes.toString('utf8')).data.code).toBe('validation_failed')
    expect((await exportOf(conv, 'format=json&from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z')).res.status).toBe(400)
    expect((await exportOf(conv, 'format=json&from=yesterday')).res.status).toBe(400)
    const refused = (await admin.api.get(`/admin/audit?action=conversation.export&targetId=${conv}&actorId=${analyst.user.id}`)).body.entries
    expect(refused).toEqual([])
  })
})

// The files feature has no upload API yet: rows and bytes are put in place directly, which only Postgres allows
// from outside the app process (PGlite is one process per data dir).
describe('conversation export streaming', () => {
  it('a client that leaves half-way does not break the server', async () => {
    const controller = new AbortController()
    const res = await fetch(`${baseURL()}/api/admin/conversations/${conv}/export?format=zip`, { headers: { authorization: `Bearer ${admin.token}` }, signal: controller.signal })
    controller.abort()
    await text(res.body as any).catch(() => {})
    expect((await new Api(baseURL(), admin.token).get('/me')).status).toBe(200)
  })
})
