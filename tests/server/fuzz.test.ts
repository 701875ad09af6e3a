import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import * as admin from '../../shared/schemas/admin'
import { LoginBody, RedeemInviteBody } from '../../shared/schemas/auth'
import { Uuid } from '../../shared/schemas/common'
import { CreateConversationBody, EventsQuery, ReadBody } from '../../shared/schemas/conversations'
import { AdminFilesQuery, CreateFileBody } from '../../shared/schemas/files'
import { EditMessageBody, HistoryQuery, ReactionBody, ReportBody, SendMessageBody } from '../../shared/schemas/messages'
import { AddMemberBody, CreateInviteBody, CreateProjectBody } from '../../shared/schemas/projects'
import { ClientFrame } from '../../shared/schemas/ws'
import type { Conversation, Message } from '../../shared/types'
import { Api, createProjectFixture, uniq } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'
import { configureFuzz, mutated, nastyString, runs, textEdits } from '../helpers/fuzz'
import { baseURL, signInAdmin } from '../helpers/server'
import { wsConnect } from '../helpers/ws'
import type { Frame, TestSocket } from '../helpers/ws'

// Fuzzed input against the built app (docs/testing.md, "Fuzz tests"): socket frames of every op of contract §5
// and the JSON bodies and query strings of §3–§4. Invalid input is answered with validation_failed (a frame
// error, a reply with ok: false, 400 or 422), never an internal error, a stack trace or SQL, and writes nothing;
// the socket stays open and the server keeps answering. Valid frames get their one reply with a contract code.
configureFuzz(40)

const LEAK = /\bat .+\.(ts|js|mjs)\b|\b(select|insert|update)\b.*\b(from|into|set|where)\b|postgres|pglite|drizzle|node_modules/i
const CODES = new Set(['unauthorized', 'forbidden', 'not_found', 'validation_failed', 'conflict', 'payload_too_large',
  'unsupported_media_type', 'rate_limited', 'conversation_locked', 'suspended', 'undeliverable', 'unavailable'])
const OTHER = '0190a6a8-7a5e-7c2b-9f3d-2b1e6c4d8a90'

let f: ProjectFixture
let adminActor: Actor
let watched: Conversation
let playground: Conversation
let watchedMsg: Message
let playMsg: Message

interface Snapshot { conversation: unknown, events: unknown, history: unknown, conversations: unknown, members: unknown }
async function snapshot(): Promise<Snapshot> {
  const [detail, events, history, conversations, members] = await Promise.all([
    f.staff.api.get(`/conversations/${watched.id}`),
    f.staff.api.get(`/conversations/${watched.id}/events?after=0&limit=1000`),
    f.staff.api.get(`/conversations/${watched.id}/messages?limit=100`),
    f.staff.api.get(`/projects/${f.project.id}/conversations`),
    f.owner.api.get(`/projects/${f.project.id}/members`)
  ])
  // Unread counts and presence are not writes; everything else is.
  const { unreadCount: _u, mentionCount: _m, ...conversation } = detail.body.conversation
  return {
    conversation, events: events.body, history: history.body,
    members: members.body.members.map((m: { userId: string, role: string, displayName: string }) => [m.userId, m.role, m.displayName]),
    // The playground takes the valid frames' writes.
    conversations: conversations.body.conversations.filter((c: Conversation) => c.id !== playground.id).map((c: Conversation) => [c.id, c.lastSeq, c.title, c.status])
  }
}

function expectCleanError(error: unknown) {
  const text = JSON.stringify(error)
  expect(text).not.toMatch(LEAK)
  expect(error).toMatchObject({ code: expect.any(String), message: expect.any(String) })
  expect(CODES, text.slice(0, 300)).toContain((error as { code: string }).code)
}

/** Frames the socket received from index `from` on that answer a request (replies) or report a bad frame. */
const answers = (s: TestSocket, from: number) => s.frames.slice(from).filter(fr => fr.type === 'reply' || fr.type === 'error')

async function replyTo(s: TestSocket, id: string, timeoutMs = 10_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = s.frames.find(fr => fr.type === 'reply' && fr.id === id)
    if (found) return found
    if (Date.now() > deadline) throw new Error(`no reply to ${id}; last frames ${JSON.stringify(s.frames.slice(-3)).slice(0, 500)}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

/** Sends a frame the schema refuses, then a ping: everything in between must be its one validation answer. */
async function sendInvalid(s: TestSocket, raw: string, parsed: unknown) {
  const from = s.frames.length
  s.send(raw)
  const sentinel = `sentinel-${randomUUID()}`
  s.send({ type: 'ping', id: sentinel, data: {} })
  const pong = await replyTo(s, sentinel)
  expect(pong.ok, 'the socket stopped answering').toBe(true)
  const got = answers(s, from).filter(fr => fr.id !== sentinel)
  expect(got, `answers to ${raw.slice(0, 200)}`).toHaveLength(1)
  const id = parsed && typeof parsed === 'object' && typeof (parsed as { id?: unknown }).id === 'string' ? (parsed as { id: string }).id : ''
  // A frame with a usable id gets its one reply (contract §5); any other gets an error frame.
  if (id) expect(got[0]).toMatchObject({ type: 'reply', id, ok: false })
  else expect(got[0]!.type).toBe('error')
  expect(got[0]!.error.code).toBe('validation_failed')
  expectCleanError(got[0]!.error)
}

/** One sample frame per op of contract §5, aimed at `conv` and `msg`. */
function opSamples(conv: () => string, msg: () => string) {
  return [
    { type: 'subscribe', id: 's', data: { conversationIds: [conv(), OTHER] } },
    { type: 'unsubscribe', id: 'u', data: { conversationIds: [conv()] } },
    { type: 'sync', id: 'y', data: { cursors: { [conv()]: 0, [OTHER]: 3 } } },
    { type: 'message:send', id: 'm', data: { conversationId: conv(), clientId: 'fuzz-1', content: 'hi', replyToId: msg() } },
    { type: 'message:edit', id: 'e', data: { messageId: msg(), content: 'edited' } },
    { type: 'message:delete', id: 'd', data: { messageId: OTHER } },
    { type: 'reaction:add', id: 'ra', data: { messageId: msg(), emoji: '👍' } },
    { type: 'reaction:remove', id: 'rr', data: { messageId: msg(), emoji: '👍' } },
    { type: 'typing', id: 't', data: { conversationId: conv(), typing: true } },
    { type: 'read', id: 'r', data: { conversationId: conv(), seq: 1 } },
    { type: 'presence', id: 'p', data: { status: 'away' } },
    { type: 'ping', id: 'g', data: {} }
  ]
}

const wellShaped = (conv: () => string, msg: () => string) => {
  const samples = opSamples(conv, msg)
  return fc.oneof(...samples.map(mutated), ...samples.map(textEdits).filter(a => a !== undefined))
}
const onWire = (value: unknown) => {
  const raw = JSON.stringify(value)
  return { raw, parsed: raw === undefined ? undefined : JSON.parse(raw) }
}
const refused = (schema: z.ZodType) => (value: unknown) => !schema.safeParse(value).success

describe('fuzzing the socket and the REST API', () => {
  let before: Snapshot

  beforeAll(async () => {
    adminActor = await signInAdmin()
    f = await createProjectFixture(baseURL(), adminActor)
    const create = (title: string) => f.staff.api.post(`/projects/${f.project.id}/conversations`, { title, kind: 'group', participantIds: [f.client.user.id, f.client2.user.id] })
    const [w, p] = await Promise.all([create('Watched'), create('Playground')])
    watched = w.body.conversation
    playground = p.body.conversation
    const send = (c: Conversation) => f.client.api.post(`/conversations/${c.id}/messages`, { clientId: uniq('seed'), content: 'seed' })
    ;[watchedMsg, playMsg] = (await Promise.all([send(watched), send(playground)])).map(r => r.body.message)
    before = await snapshot()
  })

  describe('socket frames', () => {
    it('answers arbitrary JSON that is no frame with validation_failed, and keeps the socket open', async () => {
      const s = await wsConnect(baseURL(), { token: f.client.token })
      const value = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({ type: fc.oneof(nastyString, fc.jsonValue({ maxDepth: 1 })), id: fc.jsonValue({ maxDepth: 1 }), data: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] }))
        .map(onWire).filter(w => w.raw !== undefined && refused(ClientFrame)(w.parsed))
      await fc.assert(fc.asyncProperty(value, w => sendInvalid(s, w.raw!, w.parsed)), runs(100))
    })

    it('answers text that is not JSON with validation_failed, and keeps the socket open', async () => {
      const s = await wsConnect(baseURL(), { token: f.client.token })
      const text = fc.oneof(nastyString, fc.string({ unit: 'binary' }), fc.jsonValue().map(v => `${JSON.stringify(v)}}`))
        .filter((t) => {
          try {
            JSON.parse(t)
            return false
          } catch {
            return true
          }
        })
      await fc.assert(fc.asyncProperty(text, t => sendInvalid(s, t, undefined)), runs(60))
    })

    it('answers every op with fuzzed fields that the schema refuses with validation_failed, writing nothing', async () => {
      const s = await wsConnect(baseURL(), { token: f.client.token })
      const frame = wellShaped(() => watched.id, () => watchedMsg.id).map(onWire).filter(w => w.raw !== undefined && refused(ClientFrame)(w.parsed))
      await fc.assert(fc.asyncProperty(frame, w => sendInvalid(s, w.raw!, w.parsed)), runs(200))
    })

    it('gives every valid op with fuzzed fields its one reply, ok or with a contract error code', async () => {
      const s = await wsConnect(baseURL(), { token: f.client.token })
      const frame = wellShaped(() => playground.id, () => playMsg.id).map(onWire)
        .filter(w => w.raw !== undefined && ClientFrame.safeParse(w.parsed).success)
      await fc.assert(fc.asyncProperty(frame, async (w) => {
        const id = `op-${randomUUID()}`
        s.send({ ...w.parsed, id })
        const reply = await replyTo(s, id)
        if (!reply.ok) expectCleanError(reply.error)
        expect(s.frames.filter(fr => fr.type === 'reply' && fr.id === id)).toHaveLength(1)
      }), runs(100))
      expect((await s.request('ping')).ok).toBe(true)
    })

    it('closes on a binary frame with 1003 and on a frame over 64 KiB with 1009; the next socket works', async () => {
      const frames = fc.oneof(
        fc.uint8Array({ minLength: 0, maxLength: 256 }).map(bytes => ({ data: Buffer.from(bytes), binary: true, code: 1003 })),
        fc.integer({ min: 64 * 1024 + 1, max: 200 * 1024 }).map(size => ({ data: JSON.stringify({ type: 'ping', data: { pad: 'x'.repeat(size) } }), binary: false, code: 1009 }))
      )
      await fc.assert(fc.asyncProperty(frames, async ({ data, binary, code }) => {
        const s = await wsConnect(baseURL(), { token: f.client2.token })
        s.ws.send(data, { binary })
        expect((await s.closed).code).toBe(code)
      }), runs(8))
      const s = await wsConnect(baseURL(), { token: f.client2.token })
      expect((await s.request('ping')).ok).toBe(true)
    })
  })

  describe('REST', () => {
    type Who = 'anonymous' | 'admin' | 'owner' | 'staff' | 'client'
    interface Endpoint { who: Who, method: 'POST' | 'PATCH' | 'DELETE', path: () => string, schema: z.ZodType, sample: unknown }
    const actor = (who: Who) => who === 'anonymous' ? new Api(baseURL()) : who === 'admin' ? adminActor.api : f[who].api
    const conv = () => `/conversations/${watched.id}`
    const msg = () => `/messages/${watchedMsg.id}`
    const project = () => `/projects/${f.project.id}`
    const endpoints: Endpoint[] = [
      { who: 'anonymous', method: 'POST', path: () => '/auth/login', schema: LoginBody, sample: { email: 'nobody@example.test', password: 'x' } },
      { who: 'admin', method: 'POST', path: () => '/projects', schema: CreateProjectBody, sample: { name: 'Fuzz', slug: 'fuzz' } },
      { who: 'owner', method: 'POST', path: () => `${project()}/members`, schema: AddMemberBody, sample: { email: 'nobody@example.test', role: 'client' } },
      { who: 'owner', method: 'POST', path: () => `${project()}/invites`, schema: CreateInviteBody, sample: { role: 'client', expiresInHours: 1, maxUses: 1 } },
      { who: 'anonymous', method: 'POST', path: () => '/invites/fuzz-token-0000000/redeem', schema: RedeemInviteBody, sample: { email: 'a@example.test', password: 'correct-horse', displayName: 'A', handle: 'aa' } },
      { who: 'staff', method: 'POST', path: () => `${project()}/conversations`, schema: CreateConversationBody, sample: { title: 'T', kind: 'group', participantIds: [OTHER] } },
      { who: 'client', method: 'POST', path: () => `${conv()}/messages`, schema: SendMessageBody, sample: { clientId: 'fuzz', content: 'hi', type: 'text', replyToId: OTHER, fileIds: [OTHER] } },
      { who: 'client', method: 'PATCH', path: msg, schema: EditMessageBody, sample: { content: 'edited' } },
      { who: 'staff', method: 'POST', path: () => `${msg()}/reactions`, schema: ReactionBody, sample: { emoji: '👍' } },
      { who: 'client', method: 'POST', path: () => `${conv()}/read`, schema: ReadBody, sample: { seq: 1 } },
      { who: 'staff', method: 'POST', path: () => `${msg()}/report`, schema: ReportBody, sample: { reason: 'spam', description: 'x' } },
      { who: 'client', method: 'POST', path: () => `${conv()}/files`, schema: CreateFileBody, sample: { fileName: 'a.txt', size: 3, mimeType: 'text/plain' } },
      { who: 'client', method: 'POST', path: () => '/blocks', schema: z.strictObject({ userId: Uuid }), sample: { userId: OTHER } },
      { who: 'admin', method: 'POST', path: () => '/admin/users', schema: admin.CreateUserBody, sample: { email: 'a@example.test', displayName: 'A', role: 'member' } },
      { who: 'admin', method: 'PATCH', path: () => `/admin/users/${OTHER}`, schema: admin.UpdateUserBody, sample: { role: 'member' } },
      { who: 'admin', method: 'POST', path: () => `/admin/users/${OTHER}/suspend`, schema: admin.SuspendUserBody, sample: { reason: 'x', until: '2030-01-01T00:00:00Z' } },
      { who: 'admin', method: 'PATCH', path: () => `/admin/conversations/${watched.id}`, schema: admin.AdminConversationBody, sample: { status: 'locked', reason: 'x' } },
      { who: 'admin', method: 'POST', path: () => `/admin/conversations/${watched.id}/participants`, schema: admin.AddParticipantBody, sample: { userId: OTHER, role: 'member' } },
      { who: 'admin', method: 'DELETE', path: () => `/admin/messages/${watchedMsg.id}`, schema: admin.AdminDeleteMessageBody, sample: { reason: 'x' } },
      { who: 'admin', method: 'POST', path: () => `/admin/reports/${OTHER}/resolve`, schema: admin.ResolveReportBody, sample: { action: 'dismiss', note: 'x' } }
    ]

    it('answers bodies a schema refuses with 422 or 400 validation_failed and issues, never 5xx', async () => {
      const body = fc.constantFrom(...endpoints).chain(e => fc.tuple(
        fc.constant(e),
        fc.oneof(fc.jsonValue({ maxDepth: 3 }), mutated(e.sample), ...[textEdits(e.sample)].filter(a => a !== undefined)).map(onWire)
          .filter(w => w.raw !== undefined && refused(e.schema)(w.parsed))
      ))
      const text = fc.tuple(fc.constantFrom(...endpoints), fc.oneof(nastyString, fc.jsonValue().map(v => `[${JSON.stringify(v)}`)))
        .filter(([, t]) => t.trim() !== '' && tryParse(t) === NOT_JSON)
      await fc.assert(fc.asyncProperty(fc.oneof(body.map(([e, w]) => ({ e, raw: w.raw!, json: true })), text.map(([e, t]) => ({ e, raw: t, json: false }))), async ({ e, raw, json }) => {
        const res = await actor(e.who).request(e.method, e.path(), raw)
        const text = JSON.stringify(res.body)
        expect(res.status, `${e.method} ${e.path()} ${raw.slice(0, 200)} → ${text.slice(0, 300)}`).toBe(json ? 422 : 400)
        expect(text).not.toMatch(LEAK)
        expect(res.body).toMatchObject({ statusCode: res.status, data: { code: 'validation_failed', issues: expect.any(Array) } })
      }), runs(300))
    })

    it('answers query strings a schema refuses with 400 validation_failed, never 5xx', async () => {
      interface Listing { who: Who, path: () => string, schema: z.ZodType, keys: string[] }
      const listings: Listing[] = [
        { who: 'client', path: () => `${conv()}/messages`, schema: HistoryQuery, keys: ['before', 'after', 'limit'] },
        { who: 'client', path: () => `${conv()}/events`, schema: EventsQuery, keys: ['after', 'limit'] },
        { who: 'admin', path: () => '/admin/audit', schema: admin.AuditQuery, keys: ['actorId', 'targetType', 'targetId', 'action', 'from', 'to', 'cursor', 'limit'] },
        { who: 'admin', path: () => '/admin/conversations', schema: admin.AdminConversationsQuery, keys: ['projectId', 'userId', 'status', 'q', 'cursor', 'limit'] },
        { who: 'admin', path: () => '/admin/users', schema: admin.AdminUsersQuery, keys: ['q', 'role', 'suspended', 'cursor', 'limit'] },
        { who: 'admin', path: () => '/admin/files', schema: AdminFilesQuery, keys: ['status', 'projectId', 'cursor', 'limit'] },
        { who: 'admin', path: () => '/admin/exports', schema: admin.ExportRunsQuery, keys: ['targetId', 'cursor', 'limit'] },
        { who: 'admin', path: () => '/admin/reports', schema: z.strictObject({ status: z.enum(['open', 'resolved', 'dismissed']).optional() }), keys: ['status'] }
      ]
      const value = fc.oneof(nastyString, fc.constantFrom('0', '-1', '1e3', '50.5', '0x10', '99999999999', '', 'null', 'true', OTHER, '2026-01-01', '2026-13-45T00:00:00Z'),
        fc.integer().map(String))
      const query = fc.constantFrom(...listings).chain(l => fc.tuple(fc.constant(l), fc.array(fc.tuple(fc.oneof(fc.constantFrom(...l.keys), nastyString), value), { minLength: 1, maxLength: 4 })))
        .map(([l, pairs]) => {
          const params = new URLSearchParams()
          for (const [k, v] of pairs) params.append(k, v)
          return { l, search: params.toString() }
        })
        .filter(({ l, search }) => refused(l.schema)(queryObject(search)))
      await fc.assert(fc.asyncProperty(query, async ({ l, search }) => {
        const res = await actor(l.who).get(`${l.path()}?${search}`)
        const text = JSON.stringify(res.body)
        expect(res.status, `${l.path()}?${search} → ${text.slice(0, 300)}`).toBe(400)
        expect(text).not.toMatch(LEAK)
        expect(res.body).toMatchObject({ statusCode: 400, data: { code: 'validation_failed', issues: expect.any(Array) } })
      }), runs(200))
    })
  })

  it('takes a lone surrogate escape as U+FFFD, over REST and the socket (found as a 500)', async () => {
    const lone = '\ud83d.'
    // In a name it is kept as U+FFFD; as a reaction it is no emoji: refused with 422, never a 500.
    const slug = uniq('lone').toLowerCase()
    const project = await adminActor.api.post('/projects', { name: `Lone ${lone}`, slug })
    expect([project.status, project.body.project?.name]).toEqual([201, 'Lone \uFFFD.'])
    const reaction = await f.staff.api.post(`/messages/${playMsg.id}/reactions`, { emoji: lone })
    expect([reaction.status, reaction.body.data?.code]).toEqual([422, 'validation_failed'])
    const s = await wsConnect(baseURL(), { token: f.client.token })
    const added = await s.request('reaction:add', { messageId: playMsg.id, emoji: `${lone}\udc4d` })
    expect(added, JSON.stringify(added)).toMatchObject({ ok: false, error: { code: 'validation_failed' } })
  })

  it('wrote nothing for any refused input, and still answers: a health check and a send work', async () => {
    expect(await snapshot()).toEqual(before)
    const health = await fetch(`${baseURL()}/api/health`)
    expect(health.status).toBe(200)
    const s = await wsConnect(baseURL(), { token: f.client.token })
    const sent = await s.request('message:send', { conversationId: playground.id, clientId: uniq('after'), content: 'still here' })
    expect(sent).toMatchObject({ ok: true, data: { message: { content: 'still here' } } })
  })
})

const NOT_JSON = Symbol('not JSON')
function tryParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return NOT_JSON
  }
}

/** The query as h3 reads it (ufo's getQuery): a repeated key is an array, `__proto__` and `constructor` dropped. */
function queryObject(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of new URLSearchParams(search)) {
    if (k === '__proto__' || k === 'constructor') continue
    const seen = Object.hasOwn(out, k) ? out[k] : undefined
    out[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v]
  }
  return out
}
