import { beforeAll, describe, expect, it } from 'vitest'
import { Api, createProjectFixture, uniq } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin, signInAnalyst } from '../helpers/server'
import { wsConnect } from '../helpers/ws'

let f: ProjectFixture
let admin: Actor

async function conversation(title = 'Moderated') {
  const res = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title, kind: 'group', participantIds: [f.client.user.id, f.client2.user.id] })
  return res.body.conversation.id as string
}

async function send(actor: Actor, conversationId: string, content = uniq('text')) {
  return actor.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('c'), content })
}

async function auditOf(query: string) {
  return (await admin.api.get(`/admin/audit?${query}`)).body.entries as any[]
}

describe('admin moderation of messages', () => {
  beforeAll(async () => {
    admin = await signInAdmin()
    f = await createProjectFixture(baseURL(), admin)
  })

  it('deletes a message with a reason: members get a content-free event and see no body, admins keep it', async () => {
    const conv = await conversation()
    const secret = uniq('rude words')
    const sent = (await send(f.client, conv, secret)).body.message
    const watcher = await wsConnect(baseURL(), { token: f.client2.token })
    const res = await admin.api.del(`/admin/messages/${sent.id}`, { reason: 'abusive language' })
    expect(res.status).toBe(200)
    expect(res.body.message).toMatchObject({ id: sent.id, content: secret })
    expect(res.body.message.deletedAt).not.toBeNull()

    const live = await watcher.next(fr => fr.type === 'message:deleted' && fr.conversationId === conv)
    expect(live.data).toEqual({ messageId: sent.id })
    expect(JSON.stringify(watcher.frames)).not.toContain(secret)

    const history = await f.client2.api.get(`/conversations/${conv}/messages`)
    expect(history.body.messages.find((m: any) => m.id === sent.id)).toMatchObject({ content: null })
    const adminHistory = await admin.api.get(`/conversations/${conv}/messages`)
    expect(adminHistory.body.messages.find((m: any) => m.id === sent.id)).toMatchObject({ content: secret })

    const feed = await f.client2.api.get(`/conversations/${conv}/events?after=${sent.seq}`)
    expect(feed.body.events).toEqual([expect.objectContaining({ type: 'message:deleted', seq: sent.seq + 1, data: { messageId: sent.id } })])

    const [entry] = await auditOf(`action=message.delete&targetId=${sent.id}`)
    expect(entry).toMatchObject({ actorId: admin.user.id, targetType: 'message', reason: 'abusive language', projectId: f.project.id })
    expect(entry.requestId).toBe(res.headers.get('x-request-id'))
  })

  it('restores a deleted message for everyone with a sequenced message:updated', async () => {
    const conv = await conversation()
    const sent = (await send(f.client, conv, 'second thoughts')).body.message
    await f.client.api.del(`/messages/${sent.id}`)
    const watcher = await wsConnect(baseURL(), { token: f.client2.token })
    const res = await admin.api.post(`/admin/messages/${sent.id}/restore`, { reason: 'deleted by mistake' })
    expect(res.status).toBe(200)
    expect(res.body.message).toMatchObject({ content: 'second thoughts', deletedAt: null })
    const live = await watcher.next(fr => fr.type === 'message:updated' && fr.conversationId === conv)
    expect(live.seq).toBe(sent.seq + 2)
    expect(live.data.message).toMatchObject({ id: sent.id, content: 'second thoughts', deletedAt: null })
    const history = await f.client2.api.get(`/conversations/${conv}/messages`)
    expect(history.body.messages.find((m: any) => m.id === sent.id)).toMatchObject({ content: 'second thoughts' })
    expect(await auditOf(`action=message.restore&targetId=${sent.id}`)).toHaveLength(1)
  })

  it('requires a reason to delete, and answers 404 for a message that does not exist', async () => {
    const conv = await conversation()
    const sent = (await send(f.client, conv)).body.message
    const noReason = await admin.api.del(`/admin/messages/${sent.id}`, {})
    expect(noReason.status).toBe(422)
    expect(noReason.body.data.code).toBe('validation_failed')
    const kept = await f.client.api.get(`/conversations/${conv}/messages`)
    expect(kept.body.messages.find((m: any) => m.id === sent.id).deletedAt).toBeNull()
    const missing = await admin.api.del('/admin/messages/00000000-0000-4000-8000-000000000000', { reason: 'x' })
    expect(missing.status).toBe(404)
  })
})

describe('admin moderation of conversations', () => {
  it('locks a conversation: read-only for members (423), admins still post; reactivating reopens it', async () => {
    const conv = await conversation('Locked')
    const watcher = await wsConnect(baseURL(), { token: f.client.token })
    const locked = await admin.api.patch(`/admin/conversations/${conv}`, { status: 'locked', reason: 'cooling off' })
    expect(locked.status).toBe(200)
    expect(locked.body.conversation.status).toBe('locked')
    const live = await watcher.next(fr => fr.type === 'conversation:updated' && fr.conversationId === conv)
    expect(live.data.conversation.status).toBe('locked')
    expect(typeof live.seq).toBe('number')

    const refused = await send(f.client, conv)
    expect(refused.status).toBe(423)
    expect(refused.body.data.code).toBe('conversation_locked')
    expect((await send(f.staff, conv)).status).toBe(423)
    expect((await send(admin, conv)).status).toBe(201)
    expect((await f.client.api.get(`/conversations/${conv}/messages`)).status).toBe(200)

    const reopened = await admin.api.patch(`/admin/conversations/${conv}`, { status: 'active' })
    expect(reopened.body.conversation.status).toBe('active')
    expect((await send(f.client, conv)).status).toBe(201)
    const actions = (await auditOf(`targetType=conversation&targetId=${conv}`)).map(e => e.action)
    expect(actions).toEqual(expect.arrayContaining(['conversation.lock', 'conversation.reactivate']))
  })

  it('archives a conversation: gone from members\' lists, read-only for everyone, admins still list it', async () => {
    const conv = await conversation('Archived')
    await admin.api.patch(`/admin/conversations/${conv}`, { status: 'archived', reason: 'project finished' })
    const memberList = await f.client.api.get(`/projects/${f.project.id}/conversations`)
    expect(memberList.body.conversations.map((c: any) => c.id)).not.toContain(conv)
    const adminList = await admin.api.get(`/projects/${f.project.id}/conversations`)
    expect(adminList.body.conversations.find((c: any) => c.id === conv)).toMatchObject({ status: 'archived' })
    expect((await send(admin, conv)).status).toBe(423)
    expect((await send(f.client, conv)).status).toBe(423)
  })

  it('refuses an unknown status with 422 and a foreign id with 404', async () => {
    const conv = await conversation()
    expect((await admin.api.patch(`/admin/conversations/${conv}`, { status: 'frozen' })).status).toBe(422)
    expect((await admin.api.patch('/admin/conversations/00000000-0000-4000-8000-000000000000', { status: 'locked' })).status).toBe(404)
  })
})

describe('admin suspensions', () => {
  it('suspends a user: REST refuses them, sign-in says suspended, their history stays; unsuspend restores access', async () => {
    const g = await createProjectFixture(baseURL(), admin)
    const conv = (await g.staff.api.post(`/projects/${g.project.id}/conversations`, { title: 'S', kind: 'group', participantIds: [g.client.user.id] })).body.conversation.id
    const sent = (await send(g.client, conv, 'before the suspension')).body.message
    const res = await admin.api.post(`/admin/users/${g.client.user.id}/suspend`, { reason: 'spam' })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ id: g.client.user.id, suspended: true, suspendedReason: 'spam' })

    const refused = await g.client.api.get('/me')
    expect(refused.status).toBe(403)
    expect(refused.body.data.code).toBe('suspended')
    const login = await new Api(baseURL()).post('/auth/login', { email: g.client.user.email, password: g.client.password })
    expect(login.status).toBe(403)
    expect(login.body.data.code).toBe('suspended')
    const history = await g.staff.api.get(`/conversations/${conv}/messages`)
    expect(history.body.messages.find((m: any) => m.id === sent.id)).toMatchObject({ content: 'before the suspension' })

    const lifted = await admin.api.post(`/admin/users/${g.client.user.id}/unsuspend`, {})
    expect(lifted.body.user).toMatchObject({ suspended: false, suspendedUntil: null })
    expect((await g.client.api.get('/me')).status).toBe(200)
    const actions = (await auditOf(`targetType=user&targetId=${g.client.user.id}`)).map(e => e.action)
    expect(actions).toEqual(['user.unsuspend', 'user.suspend'])
  })

  it('suspends until a date in the future only, and never the admin themself', async () => {
    const g = await createProjectFixture(baseURL(), admin)
    const past = await admin.api.post(`/admin/users/${g.client.user.id}/suspend`, { reason: 'x', until: '2000-01-01T00:00:00Z' })
    expect(past.status).toBe(422)
    const until = new Date(Date.now() + 3_600_000).toISOString()
    const timed = await admin.api.post(`/admin/users/${g.client.user.id}/suspend`, { reason: 'one hour', until })
    expect(timed.body.user.suspendedUntil).toBe(until)
    expect((await admin.api.post(`/admin/users/${admin.user.id}/suspend`, { reason: 'oops' })).status).toBe(409)
    expect((await admin.api.post('/admin/users/00000000-0000-4000-8000-000000000000/suspend', { reason: 'x' })).status).toBe(404)
  })
})

describe('the audit log API', () => {
  it('pages newest first with a cursor and filters by actor, action and date', async () => {
    const conv = await conversation('Audited')
    for (const status of ['locked', 'active', 'locked', 'active'] as const) await admin.api.patch(`/admin/conversations/${conv}`, { status })
    const first = await admin.api.get(`/admin/audit?targetId=${conv}&limit=2`)
    expect(first.body.entries.map((e: any) => e.action)).toEqual(['conversation.reactivate', 'conversation.lock'])
    const second = await admin.api.get(`/admin/audit?targetId=${conv}&limit=2&cursor=${first.body.nextCursor}`)
    expect(second.body.entries.map((e: any) => e.action)).toEqual(['conversation.reactivate', 'conversation.lock'])
    const third = await admin.api.get(`/admin/audit?targetId=${conv}&limit=2&cursor=${second.body.nextCursor}`)
    expect(third.body.entries.map((e: any) => e.action)).toEqual(['conversation.create'])
    expect(third.body.nextCursor).toBeNull()
    const ids = [...first.body.entries, ...second.body.entries].map((e: any) => e.id)
    expect(new Set(ids).size).toBe(4)

    const byActor = await auditOf(`actorId=${f.staff.user.id}&action=conversation.create&targetId=${conv}`)
    expect(byActor).toHaveLength(1)
    const future = await auditOf(`targetId=${conv}&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)
    expect(future).toEqual([])
  })

  it('refuses a forged cursor with 400 and hides the log from everyone but admins', async () => {
    expect((await admin.api.get('/admin/audit?cursor=bm90LWEtY3Vyc29y')).status).toBe(400)
    for (const actor of [f.owner, f.staff, f.client, await signInAnalyst()]) {
      expect((await actor.api.get('/admin/audit')).status).toBe(404)
      expect((await actor.api.post(`/admin/users/${f.client2.user.id}/suspend`, { reason: 'x' })).status).toBe(404)
      expect((await actor.api.patch('/admin/conversations/00000000-0000-4000-8000-000000000000', { status: 'locked' })).status).toBe(404)
      expect((await actor.api.del('/admin/messages/00000000-0000-4000-8000-000000000000', { reason: 'x' })).status).toBe(404)
    }
    expect((await new Api(baseURL()).get('/admin/audit')).status).toBe(401)
  })
})
