import { readdirSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { configureFuzz, mutated, runs, textEdits } from '../helpers/fuzz'

// Every zod schema exported from shared/schemas (REST bodies and queries, socket frames, bus envelopes), fuzzed:
// no input may make safeParse throw, a refusal names its issues, and what is accepted is a fixed point — fed
// back, the output parses to itself, so a value stored or relayed once validated stays valid. Schemas are
// found by importing the modules, so a new one is fuzzed with arbitrary JSON at once; the test below fails
// until it also has a valid sample to mutate.
configureFuzz(100)

const SCHEMA_DIR = new URL('../../shared/schemas/', import.meta.url)
const schemas = new Map<string, z.ZodType>()
for (const file of readdirSync(SCHEMA_DIR).filter(f => f.endsWith('.ts')).sort()) {
  const exports: Record<string, unknown> = await import(new URL(file, SCHEMA_DIR).href)
  for (const [name, value] of Object.entries(exports)) {
    if (value instanceof z.ZodType) schemas.set(name, value)
    // A plain object of schemas is a shape other schemas spread (SendMessageFields): each field is one too.
    else if (value && typeof value === 'object' && Object.values(value).length && Object.values(value).every(v => v instanceof z.ZodType)) {
      for (const [field, schema] of Object.entries(value)) schemas.set(`${name}.${field}`, schema as z.ZodType)
    }
  }
}

const U1 = '0190a6a8-7a5e-7c2b-9f3d-2b1e6c4d8a90'
const U2 = '0190a6a8-7a5f-7000-8000-000000000002'
const AT = '2026-01-02T03:04:05.678Z'
const LATER = '2026-02-01T00:00:00+01:00'
const file = {
  id: U1, conversationId: U2, messageId: null, fileName: 'a.png', size: 10, mimeType: 'image/png', sha256: null,
  status: 'pending_scan', virusScanned: false, blockedReason: null, createdAt: AT
}
const message = {
  id: U1, conversationId: U2, seq: 1, senderId: U1, clientId: 'c1', type: 'text', content: 'hi', replyToId: null,
  files: [file], reactions: [{ emoji: '👍', count: 1, userIds: [U1] }], mentions: [U2], createdAt: AT, editedAt: null, deletedAt: null
}
const conversation = {
  id: U2, projectId: U1, title: 'Help', kind: 'support', status: 'active', lastSeq: 3, lastMessageAt: AT,
  unreadCount: 0, mentionCount: 0, createdAt: AT
}
const events = {
  MessageNewEvent: [{ type: 'message:new', conversationId: U2, seq: 1, data: { message } }],
  MessageUpdatedEvent: [{ type: 'message:updated', conversationId: U2, seq: 2, data: { message } }],
  MessageDeletedEvent: [{ type: 'message:deleted', conversationId: U2, seq: 3, data: { messageId: U1 } }],
  ConversationUpdatedEvent: [
    { type: 'conversation:updated', conversationId: U2, seq: 4, data: { conversation, removedUserIds: [U1] } },
    { type: 'conversation:updated', data: { conversation, added: true } }
  ],
  ConversationRemovedEvent: [{ type: 'conversation:removed', data: { conversationId: U2 } }],
  FileUpdatedEvent: [{ type: 'file:updated', conversationId: U2, data: { file } }],
  TypingEvent: [{ type: 'typing', conversationId: U2, data: { userId: U1, typing: true } }],
  ReadEvent: [{ type: 'read', conversationId: U2, data: { userId: U1, seq: 0 } }],
  PresenceEvent: [{ type: 'presence', data: { userId: U1, status: 'away', lastSeenAt: null } }],
  NotificationEvent: [{ type: 'notification', data: { title: 'Hi', body: 'There', link: null, severity: 'info' } }]
}
const frames = {
  ReadyFrame: [{ type: 'ready', data: { user: { id: U1, handle: 'ann', displayName: 'Ann', avatarUrl: null, role: 'member' }, connectionId: U2, heartbeatMs: 25_000 } }],
  ReplyFrame: [{ type: 'reply', id: 'r1', ok: true, data: { a: [1] } }, { type: 'reply', id: 'r2', ok: false, error: { code: 'not_found', message: 'Not found' } }],
  ErrorFrame: [{ type: 'error', error: { code: 'validation_failed', message: 'Invalid frame', issues: [] } }]
}
const control = { type: 'control', data: { close: '*', code: 4001, reason: 'suspended' } }

// Fields of an exported shape are named shape.field.
const shapeSamples = {
  'SendMessageFields.clientId': ['c1'],
  'SendMessageFields.content': ['hi', ''],
  'SendMessageFields.type': ['file'],
  'SendMessageFields.replyToId': [U1, null],
  'SendMessageFields.fileIds': [[U1]]
}

/** At least one valid input per schema, the starting points of the mutations. */
const SAMPLES: Record<string, unknown[]> = {
  // admin.ts
  AddParticipantBody: [{ userId: U1 }, { userId: U1, role: 'owner', reason: 'needed here' }],
  AdminConversationBody: [{ status: 'locked', reason: 'spam wave' }],
  AdminConversationsQuery: [{}, { projectId: U1, userId: U2, status: 'active', q: 'hi', cursor: 'abc-1', limit: '20' }],
  AdminDeleteMessageBody: [{ reason: 'abuse' }],
  AdminRestoreMessageBody: [{}, { reason: 'mistake' }],
  AdminUsersQuery: [{ q: 'ann', role: 'member', suspended: 'false', cursor: 'x_1', limit: '10' }],
  AuditQuery: [{ actorId: U1, targetType: 'message', targetId: U2, action: 'message.delete', from: AT, to: LATER, cursor: 'c', limit: '5' }],
  CreateUserBody: [{ email: 'Ann@Example.test', displayName: 'Ann', role: 'analyst' }],
  ExportFormat: ['csv'],
  ExportQuery: [{}, { format: 'zip', from: AT, to: LATER, exportId: U1 }],
  ExportRunsQuery: [{ targetId: U1, cursor: 'c', limit: '20' }],
  ParticipantParams: [{ id: U1, userId: U2 }],
  ProjectExportQuery: [{ format: 'zip', from: AT, to: LATER }],
  Reason: ['because'],
  ResolveReportBody: [{ action: 'dismiss', note: 'fine' }, { action: 'suspend_user', until: LATER }],
  SuspendUserBody: [{ until: LATER, reason: 'spam' }, { reason: 'spam' }],
  UnsuspendUserBody: [{}, { reason: 'appeal' }],
  UpdateUserBody: [{ role: 'admin', reason: 'promotion' }],
  // analytics.ts
  AnalyticsConversationsQuery: [{ projectId: U1, from: '2026-01-01', to: '2026-01-31', kind: 'support', unansweredAfterHours: '24', day: '2026-01-02', limit: '100' }],
  AnalyticsQuery: [{}, { projectId: U1, from: '2026-01-01', to: '2026-02-01', kind: 'dm', unansweredAfterHours: '48' }],
  // auth.ts
  Email: ['ann@example.test'],
  LoginBody: [{ email: 'Ann@example.test', password: 'x' }],
  Password: ['correct-horse'],
  RedeemInviteBody: [{}, { email: 'ann@example.test', password: 'correct-horse', displayName: 'Ann', handle: 'ann' }],
  SignupBody: [{ password: 'correct-horse', handle: 'ann.b' }],
  // common.ts
  DisplayName: ['Ann Example', 'René 👩🏽‍💻'],
  Handle: ['ann_b'],
  Uuid: [U1],
  // conversations.ts
  ConversationKind: ['support'],
  ConversationStatus: ['archived'],
  CreateConversationBody: [{ title: 'Help', kind: 'group', participantIds: [U1] }, { kind: 'dm' }],
  EventsQuery: [{ after: '3', limit: '10' }],
  IdParams: [{ id: U1 }],
  ReadBody: [{ seq: 3 }],
  // events.ts
  ...events,
  ...frames,
  ControlEnvelope: [control],
  ServerEvent: Object.values(events).flat(),
  BusEnvelope: [...Object.values(events).flat(), control],
  ServerFrame: [...Object.values(events).flat(), ...Object.values(frames).flat()],
  // files.ts
  AdminDeleteFileBody: [{ reason: 'malware' }],
  AdminFilesQuery: [{ status: 'available', projectId: U1, cursor: 'c', limit: '10' }],
  CreateFileBody: [{ fileName: 'report.pdf', size: 1024, mimeType: 'application/pdf' }],
  FileName: ['photo.jpg', 'Résumé final.docx'],
  FileStatusFilter: ['blocked'],
  // messages.ts
  ClientId: ['c-1:2.3'],
  EditMessageBody: [{ content: 'edited' }],
  Emoji: ['👍', '❤️'],
  HistoryQuery: [{ before: '10', limit: '20' }, { after: '0' }],
  MessageContent: ['hello'],
  ReactionBody: [{ emoji: '🎉' }],
  ReactionParams: [{ id: U1, emoji: '👍' }],
  ReportBody: [{ reason: 'spam', description: 'ads' }],
  SendMessageBody: [{ clientId: 'c1', content: 'hi @ann', type: 'text', replyToId: U1, fileIds: [U2] }, { clientId: 'c2', content: '', fileIds: [U2] }],
  ...shapeSamples,
  // projects.ts
  AddMemberBody: [{ email: 'ann@example.test', role: 'client' }],
  CreateInviteBody: [{ role: 'staff', expiresInHours: 24, maxUses: 5 }, { role: 'client' }],
  CreateProjectBody: [{ name: 'Acme', slug: 'acme-1' }],
  ProjectMemberParams: [{ projectId: U1, userId: U2 }],
  ProjectParams: [{ projectId: U1 }],
  ProjectRole: ['owner'],
  // ws.ts: one frame per op of contract §5
  ClientFrame: [
    { type: 'subscribe', id: 's', data: { conversationIds: [U1] } },
    { type: 'unsubscribe', data: { conversationIds: [U1, U2] } },
    { type: 'sync', id: 'y', data: { cursors: { [U1]: 0, [U2]: 7 } } },
    { type: 'message:send', id: 'm', data: { conversationId: U1, clientId: 'c1', content: 'hi', replyToId: null } },
    { type: 'message:edit', id: 'e', data: { messageId: U1, content: 'edited' } },
    { type: 'message:delete', id: 'd', data: { messageId: U1 } },
    { type: 'reaction:add', id: 'ra', data: { messageId: U1, emoji: '👍' } },
    { type: 'reaction:remove', data: { messageId: U1, emoji: '🚀' } },
    { type: 'typing', data: { conversationId: U1, typing: false } },
    { type: 'read', id: 'r', data: { conversationId: U1, seq: 2_147_483_647 } },
    { type: 'presence', id: 'p', data: { status: 'away' } },
    { type: 'ping', id: 'g', data: {} },
    { type: 'ping' }
  ]
}

/** Query strings carry numbers as text: the form in which a query schema's output is read back. */
function asQuery(value: unknown): unknown {
  if (typeof value === 'number') return String(value)
  if (Array.isArray(value)) return value.map(asQuery)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asQuery(v)]))
  return value
}

/** The invariants every input must keep; returns normally or fails an expectation. */
function check(schema: z.ZodType, input: unknown) {
  let result: ReturnType<z.ZodType['safeParse']>
  try {
    result = schema.safeParse(input)
  } catch (error) {
    throw new Error(`safeParse threw: ${(error as Error)?.stack ?? error}`)
  }
  if (!result.success) {
    // What the server turns into data.issues (server/platform/errors.ts zodIssues).
    expect(result.error.issues.length).toBeGreaterThan(0)
    for (const issue of result.error.issues) {
      expect(typeof issue.message).toBe('string')
      expect(Array.isArray(issue.path)).toBe(true)
    }
    return
  }
  const out = result.data
  expect(() => JSON.stringify(out)).not.toThrow()
  const again = schema.safeParse(out)
  const back = again.success ? again : schema.safeParse(asQuery(out))
  expect(back.success, `the output ${JSON.stringify(out)?.slice(0, 300)} is refused when parsed again`).toBe(true)
  expect(back.data, 'parsing the output again changes it').toStrictEqual(out)
}

describe('schema fuzz', () => {
  it('finds the schemas of every module, and has a valid sample of each', () => {
    expect(schemas.size).toBeGreaterThan(60)
    expect([...schemas.keys()].filter(name => !SAMPLES[name]?.length), 'schemas without a sample in SAMPLES').toEqual([])
    expect(Object.keys(SAMPLES).filter(name => !schemas.has(name)), 'samples of no exported schema').toEqual([])
    for (const [name, samples] of Object.entries(SAMPLES)) {
      for (const sample of samples) expect(schemas.get(name)!.safeParse(sample).success, `${name} refuses its sample ${JSON.stringify(sample)}`).toBe(true)
    }
  })

  describe.each([...schemas.keys()])('%s', (name) => {
    const schema = schemas.get(name)!

    it('never throws on arbitrary JSON, and what it accepts parses to itself again', () => {
      fc.assert(fc.property(fc.oneof(fc.jsonValue(), fc.object()), input => check(schema, input)))
    })

    it('never throws on mutations of a valid sample, and what it accepts parses to itself again', () => {
      const samples = SAMPLES[name] ?? []
      if (!samples.length) return
      fc.assert(fc.property(fc.oneof(...samples.map(mutated)), input => check(schema, input)))
    })

    it('never throws on text edits of a valid sample, and what it accepts parses to itself again', () => {
      const edits = (SAMPLES[name] ?? []).map(textEdits).filter(a => a !== undefined)
      if (!edits.length) return
      fc.assert(fc.property(fc.oneof(...edits), input => check(schema, input)), runs(200))
    })

    it('is a fixed point on every valid sample', () => {
      for (const sample of SAMPLES[name] ?? []) check(schema, sample)
    })
  })
})
