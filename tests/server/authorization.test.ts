import { beforeAll, describe, expect, it } from 'vitest'
import { Api, createProjectFixture, inviteUser, signIn, uniq } from '../helpers/api'
import type { Actor, ApiResponse, ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin, signInAnalyst } from '../helpers/server'
import type { Conversation, Message } from '../../shared/types'

// The authorization matrix of contract §1–§4: every endpoint against every kind of caller who must not
// reach it. Foreign and hidden resources answer 404 (never 403) so that ids do not leak.

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

interface Side {
  f: ProjectFixture
  /** staff + client + client2 */
  group: Conversation
  /** client ↔ staff */
  dm: Conversation
  /** staff + owner, without the clients */
  staffOnly: Conversation
  /** everyone in the project */
  announcement: Conversation
  staffMsg: Message
  clientMsg: Message
  staffOnlyMsg: Message
  dmMsg: Message
  /** Text only the project's own people may ever see. */
  secret: string
}

interface Target { conversationId: string, messageId: string }

interface ConversationEndpoint {
  name: string
  method: Method
  path: (t: Target) => string
  body?: () => unknown
}

const THUMBS = encodeURIComponent('👍')

/** Every endpoint that acts on one conversation or one of its messages; DELETE /messages/:id last, it is destructive. */
const conversationEndpoints: ConversationEndpoint[] = [
  { name: 'GET /conversations/:id', method: 'GET', path: t => `/conversations/${t.conversationId}` },
  { name: 'GET /conversations/:id/messages', method: 'GET', path: t => `/conversations/${t.conversationId}/messages` },
  { name: 'POST /conversations/:id/messages', method: 'POST', path: t => `/conversations/${t.conversationId}/messages`, body: () => ({ clientId: uniq('probe'), content: 'probe' }) },
  { name: 'GET /conversations/:id/events', method: 'GET', path: t => `/conversations/${t.conversationId}/events?after=0` },
  { name: 'POST /conversations/:id/read', method: 'POST', path: t => `/conversations/${t.conversationId}/read`, body: () => ({ seq: 1 }) },
  { name: 'PATCH /messages/:id', method: 'PATCH', path: t => `/messages/${t.messageId}`, body: () => ({ content: 'probe edit' }) },
  { name: 'POST /messages/:id/reactions', method: 'POST', path: t => `/messages/${t.messageId}/reactions`, body: () => ({ emoji: '👍' }) },
  { name: 'DELETE /messages/:id/reactions/:emoji', method: 'DELETE', path: t => `/messages/${t.messageId}/reactions/${THUMBS}` },
  { name: 'POST /messages/:id/report', method: 'POST', path: t => `/messages/${t.messageId}/report`, body: () => ({ reason: 'spam' }) },
  { name: 'DELETE /messages/:id', method: 'DELETE', path: t => `/messages/${t.messageId}` }
]

interface ProjectEndpoint {
  name: string
  method: Method
  path: (s: Side) => string
  body?: (s: Side) => unknown
}

/** Every endpoint scoped to one project. */
const projectEndpoints: ProjectEndpoint[] = [
  { name: 'GET /projects/:projectId/members', method: 'GET', path: s => `/projects/${s.f.project.id}/members` },
  { name: 'POST /projects/:projectId/members', method: 'POST', path: s => `/projects/${s.f.project.id}/members`, body: s => ({ email: s.f.client2.user.email, role: 'staff' }) },
  { name: 'DELETE /projects/:projectId/members/:userId', method: 'DELETE', path: s => `/projects/${s.f.project.id}/members/${s.f.client2.user.id}` },
  { name: 'POST /projects/:projectId/invites', method: 'POST', path: s => `/projects/${s.f.project.id}/invites`, body: () => ({ role: 'client' }) },
  { name: 'GET /projects/:projectId/conversations', method: 'GET', path: s => `/projects/${s.f.project.id}/conversations` },
  { name: 'POST /projects/:projectId/conversations', method: 'POST', path: s => `/projects/${s.f.project.id}/conversations`, body: () => ({ title: 'Intruder', kind: 'group', participantIds: [] }) }
]

interface AnyEndpoint {
  name: string
  method: Method
  path: (s: Side) => string
  body?: (s: Side) => unknown
}

const targetOf = (s: Side): Target => ({ conversationId: s.group.id, messageId: s.staffMsg.id })

/** Every endpoint of §3/§4 that needs a signed-in caller (login and invite redeem are the only public ones). */
const authenticatedEndpoints: AnyEndpoint[] = [
  { name: 'GET /me', method: 'GET', path: () => '/me' },
  { name: 'POST /auth/refresh', method: 'POST', path: () => '/auth/refresh' },
  { name: 'POST /auth/logout', method: 'POST', path: () => '/auth/logout' },
  { name: 'GET /projects', method: 'GET', path: () => '/projects' },
  { name: 'POST /projects', method: 'POST', path: () => '/projects', body: () => ({ name: 'Nope', slug: uniq('nope') }) },
  { name: 'GET /admin/reports', method: 'GET', path: () => '/admin/reports' },
  ...projectEndpoints,
  ...conversationEndpoints.map(e => ({ name: e.name, method: e.method, path: (s: Side) => e.path(targetOf(s)), body: e.body }))
]

let admin: Actor
let analyst: Actor
let A: Side
let B: Side

function send(api: Api, method: Method, path: string, body?: unknown) {
  return api.request(method, path, body)
}

async function createConversation(by: Actor, projectId: string, body: { title?: string, kind: string, participantIds: string[] }) {
  const res = await by.api.post(`/projects/${projectId}/conversations`, body)
  if (res.status !== 201) throw new Error(`create ${body.kind} failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.conversation as Conversation
}

async function post(by: Actor, conversationId: string, content: string) {
  const res = await by.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('m'), content })
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.message as Message
}

/** A project with one conversation of each shape and a message in each. */
async function buildSide(): Promise<Side> {
  const f = await createProjectFixture(baseURL(), admin)
  const secret = uniq('secret')
  const group = await createConversation(f.staff, f.project.id, { title: `Group ${secret}`, kind: 'group', participantIds: [f.client.user.id, f.client2.user.id] })
  const dm = await createConversation(f.client, f.project.id, { kind: 'dm', participantIds: [f.staff.user.id] })
  const staffOnly = await createConversation(f.staff, f.project.id, { title: `Staff room ${secret}`, kind: 'group', participantIds: [f.owner.user.id] })
  const announcement = await createConversation(f.staff, f.project.id, { title: `News ${secret}`, kind: 'announcement', participantIds: [] })
  const staffMsg = await post(f.staff, group.id, `staff says ${secret}`)
  const clientMsg = await post(f.client, group.id, `client says ${secret}`)
  const staffOnlyMsg = await post(f.staff, staffOnly.id, `internal note ${secret}`)
  const dmMsg = await post(f.client, dm.id, `private question ${secret}`)
  await post(f.staff, announcement.id, `announcement ${secret}`)
  return { f, group, dm, staffOnly, announcement, staffMsg, clientMsg, staffOnlyMsg, dmMsg, secret }
}

function expectError(res: ApiResponse, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status)
  expect(res.body.data.code).toBe(code)
}

/** A 404 for a hidden resource is the bare error shape: nothing of the resource, nothing of its project. */
function expectHidden(res: ApiResponse, hidden: Side) {
  expectError(res, 404, 'not_found')
  expect(Object.keys(res.body).sort()).toEqual(['data', 'message', 'statusCode'])
  expect(res.body).not.toHaveProperty('conversation')
  expect(res.body).not.toHaveProperty('messages')
  expect(JSON.stringify(res.body)).not.toContain(hidden.secret)
}

async function lastSeqOf(side: Side, conversationId: string) {
  const res = await side.f.admin.api.get(`/conversations/${conversationId}`)
  expect(res.status).toBe(200)
  return res.body.conversation.lastSeq as number
}

describe('authorization', () => {
  let bGroupSeqBefore: number

  beforeAll(async () => {
    admin = await signInAdmin()
    analyst = await signInAnalyst()
    A = await buildSide()
    B = await buildSide()
    bGroupSeqBefore = await lastSeqOf(B, B.group.id)
  })

  describe('a member of project A on project B', () => {
    const actors = ['owner', 'staff', 'client'] as const

    for (const who of actors) {
      it.each(projectEndpoints)(`an A ${who} gets 404 on B's $name`, async (e) => {
        const res = await send(A.f[who].api, e.method, e.path(B), e.body?.(B))
        expectHidden(res, B)
      })

      it.each(conversationEndpoints)(`an A ${who} gets 404 on B's $name`, async (e) => {
        const res = await send(A.f[who].api, e.method, e.path(targetOf(B)), e.body?.())
        expectHidden(res, B)
      })
    }

    it('an A owner cannot open a DM with a member of B inside project A', async () => {
      const res = await A.f.owner.api.post(`/projects/${A.f.project.id}/conversations`, { kind: 'dm', participantIds: [B.f.staff.user.id] })
      expectError(res, 404, 'not_found')
    })

    it('an A staff member cannot pull a member of B into a group of project A', async () => {
      const res = await A.f.staff.api.post(`/projects/${A.f.project.id}/conversations`, { title: 'Mixed', kind: 'group', participantIds: [B.f.client.user.id] })
      expectError(res, 404, 'not_found')
    })

    it('GET /projects lists only the caller\'s own project', async () => {
      const res = await A.f.client.api.get('/projects')
      expect(res.status).toBe(200)
      const ids = res.body.projects.map((p: { id: string }) => p.id)
      expect(ids).toContain(A.f.project.id)
      expect(ids).not.toContain(B.f.project.id)
    })

    it('GET /projects/:projectId/conversations of A lists nothing of B', async () => {
      const res = await A.f.owner.api.get(`/projects/${A.f.project.id}/conversations`)
      expect(res.status).toBe(200)
      expect(JSON.stringify(res.body)).not.toContain(B.secret)
    })

    it('none of the probes changed anything in project B', async () => {
      expect(await lastSeqOf(B, B.group.id)).toBe(bGroupSeqBefore)
      const members = await B.f.owner.api.get(`/projects/${B.f.project.id}/members`)
      expect(members.body.members.find((m: { userId: string }) => m.userId === B.f.client2.user.id)?.role).toBe('client')
      const conversations = await B.f.owner.api.get(`/projects/${B.f.project.id}/conversations`)
      expect(conversations.body.conversations.map((c: Conversation) => c.title)).not.toContain('Intruder')
      const history = await B.f.staff.api.get(`/conversations/${B.group.id}/messages`)
      const staffMsg = history.body.messages.find((m: Message) => m.id === B.staffMsg.id)
      expect(staffMsg).toMatchObject({ content: B.staffMsg.content, deletedAt: null, reactions: [] })
    })
  })

  describe('a client outside a conversation of their own project', () => {
    it.each(conversationEndpoints)('a client gets 404 on $name of a staff-only group', async (e) => {
      const res = await send(A.f.client.api, e.method, e.path({ conversationId: A.staffOnly.id, messageId: A.staffOnlyMsg.id }), e.body?.())
      expectHidden(res, A)
    })

    it.each(conversationEndpoints)('a client gets 404 on $name of another client\'s DM', async (e) => {
      const res = await send(A.f.client2.api, e.method, e.path({ conversationId: A.dm.id, messageId: A.dmMsg.id }), e.body?.())
      expectHidden(res, A)
    })

    it('a client does not see the staff-only group in the conversation list', async () => {
      const res = await A.f.client.api.get(`/projects/${A.f.project.id}/conversations`)
      expect(res.status).toBe(200)
      const ids = res.body.conversations.map((c: Conversation) => c.id)
      expect(ids).toEqual(expect.arrayContaining([A.group.id, A.dm.id, A.announcement.id]))
      expect(ids).not.toContain(A.staffOnly.id)
    })
  })

  describe('the analyst', () => {
    it.each(conversationEndpoints)('the analyst gets 404 on $name', async (e) => {
      const res = await send(analyst.api, e.method, e.path({ conversationId: A.group.id, messageId: A.clientMsg.id }), e.body?.())
      expectHidden(res, A)
    })

    it.each(projectEndpoints)('the analyst gets 404 on $name', async (e) => {
      const res = await send(analyst.api, e.method, e.path(A), e.body?.(A))
      expectHidden(res, A)
    })

    it('the analyst gets 404 on an announcement, which every project member may read', async () => {
      expectHidden(await analyst.api.get(`/conversations/${A.announcement.id}/messages`), A)
    })

    it('GET /projects returns no projects for the analyst', async () => {
      const res = await analyst.api.get('/projects')
      expect(res.status).toBe(200)
      expect(res.body.projects).toEqual([])
    })
  })

  describe('invites', () => {
    it.each(['owner', 'staff'])('a staff member cannot invite a %s (403 forbidden)', async (role) => {
      const res = await A.f.staff.api.post(`/projects/${A.f.project.id}/invites`, { role })
      expectError(res, 403, 'forbidden')
      expect(res.body).not.toHaveProperty('invite')
    })

    it('a staff member can invite a client', async () => {
      const res = await A.f.staff.api.post(`/projects/${A.f.project.id}/invites`, { role: 'client' })
      expect(res.status).toBe(201)
      expect(res.body.invite).toMatchObject({ maxUses: 1 })
      expect(typeof res.body.invite.token).toBe('string')
    })

    it.each(['owner', 'staff', 'client'])('a client cannot invite a %s (403 forbidden)', async (role) => {
      const res = await A.f.client.api.post(`/projects/${A.f.project.id}/invites`, { role })
      expectError(res, 403, 'forbidden')
    })

    it('an owner can invite an owner', async () => {
      const res = await A.f.owner.api.post(`/projects/${A.f.project.id}/invites`, { role: 'owner' })
      expect(res.status).toBe(201)
    })
  })

  describe('project members', () => {
    it.each(['staff', 'client'] as const)('a %s cannot add a member (403 forbidden)', async (who) => {
      const res = await A.f[who].api.post(`/projects/${A.f.project.id}/members`, { email: B.f.client.user.email, role: 'client' })
      expectError(res, 403, 'forbidden')
    })

    it.each(['staff', 'client'] as const)('a %s cannot remove a member (403 forbidden)', async (who) => {
      const res = await A.f[who].api.del(`/projects/${A.f.project.id}/members/${A.f.client2.user.id}`)
      expectError(res, 403, 'forbidden')
    })

    it('an owner adds an existing account and removes it again', async () => {
      const outsider = await inviteUser(B.f.owner.api, B.f.project.id, 'client', 'outsider')
      const added = await A.f.owner.api.post(`/projects/${A.f.project.id}/members`, { email: outsider.user.email, role: 'client' })
      expect(added.status).toBe(201)
      expect((await outsider.api.get(`/projects/${A.f.project.id}/conversations`)).status).toBe(200)
      const removed = await A.f.owner.api.del(`/projects/${A.f.project.id}/members/${outsider.user.id}`)
      expect(removed.status).toBe(200)
      expectError(await outsider.api.get(`/projects/${A.f.project.id}/conversations`), 404, 'not_found')
    })
  })

  describe('creating conversations', () => {
    it.each(['group', 'project', 'support', 'announcement'])('a client cannot create a %s conversation (403 forbidden)', async (kind) => {
      const res = await A.f.client.api.post(`/projects/${A.f.project.id}/conversations`, { title: `By a client ${kind}`, kind, participantIds: [A.f.staff.user.id] })
      expectError(res, 403, 'forbidden')
      expect(res.body).not.toHaveProperty('conversation')
    })

    it('a client cannot open a DM with another client (403 forbidden where they can see them, else 404)', async () => {
      const shared = await A.f.staff.api.post(`/projects/${A.f.project.id}/conversations`, { title: 'Two clients', kind: 'group', participantIds: [A.f.client.user.id, A.f.client2.user.id] })
      expect(shared.status).toBe(201)
      const res = await A.f.client.api.post(`/projects/${A.f.project.id}/conversations`, { kind: 'dm', participantIds: [A.f.client2.user.id] })
      expectError(res, 403, 'forbidden')
    })

    it('a client opens a DM with staff (201) and a second create returns the same one with 200', async () => {
      const first = await A.f.client2.api.post(`/projects/${A.f.project.id}/conversations`, { kind: 'dm', participantIds: [A.f.staff.user.id] })
      expect(first.status).toBe(201)
      expect(first.body.conversation.kind).toBe('dm')
      const again = await A.f.client2.api.post(`/projects/${A.f.project.id}/conversations`, { kind: 'dm', participantIds: [A.f.staff.user.id] })
      expect(again.status).toBe(200)
      expect(again.body.conversation.id).toBe(first.body.conversation.id)
      const fromStaff = await A.f.staff.api.post(`/projects/${A.f.project.id}/conversations`, { kind: 'dm', participantIds: [A.f.client2.user.id] })
      expect(fromStaff.status).toBe(200)
      expect(fromStaff.body.conversation.id).toBe(first.body.conversation.id)
    })

    it('a client opens a DM with an owner', async () => {
      const res = await A.f.client.api.post(`/projects/${A.f.project.id}/conversations`, { kind: 'dm', participantIds: [A.f.owner.user.id] })
      expect(res.status).toBe(201)
    })
  })

  describe('announcements', () => {
    it('a client cannot post in an announcement (403 forbidden)', async () => {
      const before = await lastSeqOf(A, A.announcement.id)
      const res = await A.f.client.api.post(`/conversations/${A.announcement.id}/messages`, { clientId: uniq('ann'), content: 'me too' })
      expectError(res, 403, 'forbidden')
      expect(await lastSeqOf(A, A.announcement.id)).toBe(before)
    })

    it('staff can post in an announcement and clients can read it', async () => {
      const res = await A.f.staff.api.post(`/conversations/${A.announcement.id}/messages`, { clientId: uniq('ann'), content: 'release tonight' })
      expect(res.status).toBe(201)
      const history = await A.f.client.api.get(`/conversations/${A.announcement.id}/messages`)
      expect(history.status).toBe(200)
      expect(history.body.messages.map((m: Message) => m.id)).toContain(res.body.message.id)
    })
  })

  describe('editing and deleting', () => {
    let target: Message

    beforeAll(async () => {
      target = await post(A.f.client, A.group.id, 'original words')
    })

    it.each([
      ['staff', 'PATCH'],
      ['staff', 'DELETE'],
      ['client2', 'PATCH'],
      ['client2', 'DELETE']
    ] as const)('a participant who is not the sender (%s) cannot %s a message (403 forbidden)', async (who, method) => {
      const res = await send(A.f[who].api, method, `/messages/${target.id}`, method === 'PATCH' ? { content: 'hijacked' } : undefined)
      expectError(res, 403, 'forbidden')
      // `message` is the error's human text here, never the Message resource.
      expect(typeof res.body.message).toBe('string')
    })

    it('a project owner outside the conversation gets 404 on edit and delete', async () => {
      expectHidden(await A.f.owner.api.patch(`/messages/${target.id}`, { content: 'hijacked' }), A)
      expectHidden(await A.f.owner.api.del(`/messages/${target.id}`), A)
    })

    it('the sender edits and deletes; other participants see null content, the admin sees the body', async () => {
      const edited = await A.f.client.api.patch(`/messages/${target.id}`, { content: 'second thoughts' })
      expect(edited.status).toBe(200)
      expect(edited.body.message).toMatchObject({ id: target.id, content: 'second thoughts' })
      expect(edited.body.message.editedAt).not.toBeNull()

      const deleted = await A.f.client.api.del(`/messages/${target.id}`)
      expect(deleted.status).toBe(200)
      expect(deleted.body.message.deletedAt).not.toBeNull()
      expect(deleted.body.message.content).toBeNull()

      for (const who of ['staff', 'client2'] as const) {
        const history = await A.f[who].api.get(`/conversations/${A.group.id}/messages`)
        const seen = history.body.messages.find((m: Message) => m.id === target.id)
        expect(seen.content, who).toBeNull()
        expect(seen.deletedAt, who).not.toBeNull()
      }
      const feed = await A.f.staff.api.get(`/conversations/${A.group.id}/events?after=${target.seq}`)
      expect(JSON.stringify(feed.body)).not.toContain('second thoughts')
      expect(feed.body.events.find((e: { type: string }) => e.type === 'message:deleted').data).toEqual({ messageId: target.id })

      const adminView = await admin.api.get(`/conversations/${A.group.id}/messages`)
      expect(adminView.status).toBe(200)
      expect(adminView.body.messages.find((m: Message) => m.id === target.id)).toMatchObject({ content: 'second thoughts' })
    })

    it('a deleted message cannot be edited again by its sender', async () => {
      const res = await A.f.client.api.patch(`/messages/${target.id}`, { content: 'resurrected' })
      expect(res.status).toBe(409)
      expect(res.body.data.code).toBe('conflict')
    })
  })

  describe('signed-out and logged-out callers', () => {
    let revoked: Api

    beforeAll(async () => {
      const session = await signIn(baseURL(), A.f.client.user.email, A.f.client.password)
      expect((await session.api.post('/auth/logout')).status).toBe(200)
      revoked = new Api(baseURL(), session.token)
    })

    it.each(authenticatedEndpoints)('a signed-out caller gets 401 on $name', async (e) => {
      const res = await send(new Api(baseURL()), e.method, e.path(A), e.body?.(A))
      expectError(res, 401, 'unauthorized')
      expect(JSON.stringify(res.body)).not.toContain(A.secret)
    })

    it.each(authenticatedEndpoints)('the bearer token of a logged-out session gets 401 on $name', async (e) => {
      const res = await send(revoked, e.method, e.path(A), e.body?.(A))
      expectError(res, 401, 'unauthorized')
      expect(JSON.stringify(res.body)).not.toContain(A.secret)
    })

    it('a garbage bearer token gets 401', async () => {
      expectError(await new Api(baseURL(), 'not.a.jwt').get(`/conversations/${A.group.id}`), 401, 'unauthorized')
    })

    it('the probes left the logged-out caller\'s conversation untouched', async () => {
      const history = await A.f.staff.api.get(`/conversations/${A.group.id}/messages`)
      expect(history.body.messages.find((m: Message) => m.id === A.staffMsg.id)).toMatchObject({ content: A.staffMsg.content, deletedAt: null })
    })

    it('login stays public: bad credentials answer 401, good ones 200', async () => {
      const bad = await new Api(baseURL()).post('/auth/login', { email: A.f.client.user.email, password: 'not-the-password' })
      expectError(bad, 401, 'unauthorized')
      const good = await new Api(baseURL()).post('/auth/login', { email: A.f.client.user.email, password: A.f.client.password })
      expect(good.status).toBe(200)
    })

    it('invite redeem stays public: an unknown token answers 404, not 401', async () => {
      const res = await new Api(baseURL()).post(`/invites/${'x'.repeat(32)}/redeem`, {
        email: `${uniq('nobody')}@example.test`, password: 'correct-horse-battery', displayName: 'Nobody'
      })
      expectError(res, 404, 'not_found')
    })
  })

  describe('admin-only routes', () => {
    const nonAdmins = ['owner', 'staff', 'client', 'analyst'] as const
    const actorOf = (who: typeof nonAdmins[number]) => who === 'analyst' ? analyst : A.f[who]

    it.each(nonAdmins)('a %s gets 404 on GET /admin/reports', async (who) => {
      const res = await actorOf(who).api.get('/admin/reports')
      expectError(res, 404, 'not_found')
      expect(res.body).not.toHaveProperty('reports')
    })

    it.each(nonAdmins)('a %s gets 403 on POST /projects', async (who) => {
      const res = await actorOf(who).api.post('/projects', { name: 'Not mine', slug: uniq('nm') })
      expectError(res, 403, 'forbidden')
      expect(res.body).not.toHaveProperty('project')
    })

    it('the admin gets 200 on GET /admin/reports', async () => {
      const res = await admin.api.get('/admin/reports')
      expect(res.status).toBe(200)
      expect(Array.isArray(res.body.reports)).toBe(true)
    })

    it('the admin gets 201 on POST /projects', async () => {
      const slug = uniq('adm').toLowerCase()
      const res = await admin.api.post('/projects', { name: `Admin ${slug}`, slug })
      expect(res.status).toBe(201)
      expect(res.body.project.slug).toBe(slug)
    })

    it('the admin reads a conversation it does not participate in', async () => {
      const res = await admin.api.get(`/conversations/${B.staffOnly.id}`)
      expect(res.status).toBe(200)
      expect(res.body.conversation.id).toBe(B.staffOnly.id)
    })
  })

  describe('malformed ids', () => {
    const badIds = ['not-a-uuid', '123', 'null', '00000000-0000-0000-0000-00000000000g', `${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(13)}`,
      '%27%20or%201%3D1--', '%00', '%E0%A4%A', 'a'.repeat(300)]
    const randomUuid = '0190a6a8-7a5e-7c2b-9f3d-2b1e6c4d8a90'

    const paths = (id: string) => [
      { name: 'GET /projects/:projectId/members', method: 'GET' as const, path: `/projects/${id}/members` },
      { name: 'POST /projects/:projectId/members', method: 'POST' as const, path: `/projects/${id}/members`, body: { email: 'x@example.test', role: 'client' } },
      { name: 'DELETE /projects/:projectId/members/:userId', method: 'DELETE' as const, path: `/projects/${A.f.project.id}/members/${id}` },
      { name: 'POST /projects/:projectId/invites', method: 'POST' as const, path: `/projects/${id}/invites`, body: { role: 'client' } },
      { name: 'GET /projects/:projectId/conversations', method: 'GET' as const, path: `/projects/${id}/conversations` },
      { name: 'POST /projects/:projectId/conversations', method: 'POST' as const, path: `/projects/${id}/conversations`, body: { title: 't', kind: 'group', participantIds: [] } },
      { name: 'GET /conversations/:id', method: 'GET' as const, path: `/conversations/${id}` },
      { name: 'GET /conversations/:id/messages', method: 'GET' as const, path: `/conversations/${id}/messages` },
      { name: 'POST /conversations/:id/messages', method: 'POST' as const, path: `/conversations/${id}/messages`, body: { clientId: uniq('bad'), content: 'x' } },
      { name: 'GET /conversations/:id/events', method: 'GET' as const, path: `/conversations/${id}/events` },
      { name: 'POST /conversations/:id/read', method: 'POST' as const, path: `/conversations/${id}/read`, body: { seq: 1 } },
      { name: 'PATCH /messages/:id', method: 'PATCH' as const, path: `/messages/${id}`, body: { content: 'x' } },
      { name: 'DELETE /messages/:id', method: 'DELETE' as const, path: `/messages/${id}` },
      { name: 'POST /messages/:id/reactions', method: 'POST' as const, path: `/messages/${id}/reactions`, body: { emoji: '👍' } },
      { name: 'DELETE /messages/:id/reactions/:emoji', method: 'DELETE' as const, path: `/messages/${id}/reactions/${THUMBS}` },
      { name: 'POST /messages/:id/report', method: 'POST' as const, path: `/messages/${id}/report`, body: { reason: 'spam' } }
    ]

    it.each(badIds)('every id-bearing route answers 404 (never 500) to the admin for the id %s', async (id) => {
      for (const p of paths(id)) {
        const res = await send(admin.api, p.method, p.path, p.body)
        expect(res.status, `${p.name} with ${id}: ${JSON.stringify(res.body)}`).toBe(404)
        expect(res.body.data.code, p.name).toBe('not_found')
      }
    })

    it('every id-bearing route answers 404 to the admin for a well-formed id that names nothing', async () => {
      for (const p of paths(randomUuid)) {
        const res = await send(admin.api, p.method, p.path, p.body)
        expect(res.status, `${p.name}: ${JSON.stringify(res.body)}`).toBe(404)
        expect(res.body.data.code, p.name).toBe('not_found')
      }
    })

    it('a malformed emoji in DELETE /messages/:id/reactions/:emoji answers 404', async () => {
      for (const emoji of ['%20', encodeURIComponent('<b>'), 'x'.repeat(40)]) {
        const res = await A.f.staff.api.del(`/messages/${A.staffMsg.id}/reactions/${emoji}`)
        expect(res.status, emoji).toBe(404)
      }
    })

    it('a malformed invite token answers 404', async () => {
      for (const token of ['short', '%00'.repeat(12), 'y'.repeat(200)]) {
        const res = await new Api(baseURL()).post(`/invites/${token}/redeem`, {
          email: `${uniq('nobody')}@example.test`, password: 'correct-horse-battery', displayName: 'Nobody'
        })
        expect(res.status, token).toBe(404)
        expect(res.body.data.code).toBe('not_found')
      }
    })
  })

  describe('a participant reaches every conversation endpoint (so the 404s above are about access, not routes)', () => {
    it.each(conversationEndpoints)('the staff member of B gets a 2xx on $name of B\'s group', async (e) => {
      const res = await send(B.f.staff.api, e.method, e.path(targetOf(B)), e.body?.())
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(200)
      expect(res.status).toBeLessThan(300)
    })
  })
})
