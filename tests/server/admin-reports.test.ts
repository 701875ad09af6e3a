import { beforeAll, describe, expect, it } from 'vitest'
import { Api, createProjectFixture, uniq } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin, signInAnalyst } from '../helpers/server'
import { wsConnect } from '../helpers/ws'

let f: ProjectFixture
let admin: Actor

async function reportedMessage(content = uniq('offensive')) {
  const conv = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'R', kind: 'group', participantIds: [f.client.user.id, f.client2.user.id] })).body.conversation.id
  const message = (await f.client.api.post(`/conversations/${conv}/messages`, { clientId: uniq('c'), content })).body.message
  const report = (await f.client2.api.post(`/messages/${message.id}/report`, { reason: 'abuse', description: 'not ok' })).body.report
  return { conv, message, report }
}

describe('the reports queue', () => {
  beforeAll(async () => {
    admin = await signInAdmin()
    f = await createProjectFixture(baseURL(), admin)
  })

  it('keeps the evidence as it was at report time after the message is edited and deleted, and audits each view', async () => {
    const { message, report } = await reportedMessage('the original words')
    await f.client.api.patch(`/messages/${message.id}`, { content: 'something nicer' })
    await f.client.api.del(`/messages/${message.id}`)
    const res = await admin.api.get(`/admin/reports/${report.id}`)
    expect(res.status).toBe(200)
    expect(res.body.report.evidence.message).toMatchObject({ id: message.id, content: 'the original words', deletedAt: null })
    const audit = await admin.api.get(`/admin/audit?action=report.view&targetId=${report.id}`)
    expect(audit.body.entries).toHaveLength(1)
    expect(audit.body.entries[0].actorId).toBe(admin.user.id)
    await admin.api.get('/admin/reports?status=open')
    const listViews = await admin.api.get(`/admin/audit?action=report.view&actorId=${admin.user.id}&limit=5`)
    expect(listViews.body.entries.some((e: any) => (e.details.reportIds ?? []).includes(report.id))).toBe(true)
  })

  it('dismisses a report with a note; the reporter learns it was handled, not how', async () => {
    const { report } = await reportedMessage()
    const reporterSocket = await wsConnect(baseURL(), { token: f.client2.token })
    const res = await admin.api.post(`/admin/reports/${report.id}/resolve`, { action: 'dismiss', note: 'banter between colleagues' })
    expect(res.status).toBe(200)
    expect(res.body.report).toMatchObject({ status: 'dismissed', resolution: 'dismiss: banter between colleagues' })
    const notice = await reporterSocket.next(fr => fr.type === 'notification')
    expect(notice.data).toMatchObject({ title: 'Report reviewed' })
    expect(JSON.stringify(notice.data)).not.toMatch(/dismiss|banter/)
    const mine = await f.client2.api.get('/reports')
    expect(mine.body.reports.find((r: any) => r.id === report.id)).toMatchObject({ status: 'handled' })
    expect(JSON.stringify(mine.body)).not.toMatch(/dismiss|banter/)
    expect((await admin.api.post(`/admin/reports/${report.id}/resolve`, { action: 'dismiss' })).status).toBe(409)
    const audit = await admin.api.get(`/admin/audit?action=report.resolve&targetId=${report.id}`)
    expect(audit.body.entries[0]).toMatchObject({ reason: 'banter between colleagues', details: { action: 'dismiss' } })
  })

  it('resolves by deleting the message: members see it deleted, the report is resolved', async () => {
    const { conv, message, report } = await reportedMessage()
    const res = await admin.api.post(`/admin/reports/${report.id}/resolve`, { action: 'delete_message', note: 'slur' })
    expect(res.body.report.status).toBe('resolved')
    const history = await f.client2.api.get(`/conversations/${conv}/messages`)
    expect(history.body.messages.find((m: any) => m.id === message.id)).toMatchObject({ content: null })
    const deletion = await admin.api.get(`/admin/audit?action=message.delete&targetId=${message.id}`)
    expect(deletion.body.entries[0].reason).toBe('slur')
  })

  it('resolves by suspending the sender, whose requests are then refused', async () => {
    const g = await createProjectFixture(baseURL(), admin)
    const conv = (await g.staff.api.post(`/projects/${g.project.id}/conversations`, { title: 'R', kind: 'group', participantIds: [g.client.user.id] })).body.conversation.id
    const message = (await g.client.api.post(`/conversations/${conv}/messages`, { clientId: uniq('c'), content: 'spam spam' })).body.message
    const report = (await g.staff.api.post(`/messages/${message.id}/report`, { reason: 'spam' })).body.report
    const res = await admin.api.post(`/admin/reports/${report.id}/resolve`, { action: 'suspend_user' })
    expect(res.body.report.status).toBe('resolved')
    expect((await g.client.api.get('/me')).body.data.code).toBe('suspended')
  })

  it('suspend_user takes an end date; `until` with another action is refused', async () => {
    const g = await createProjectFixture(baseURL(), admin)
    const conv = (await g.staff.api.post(`/projects/${g.project.id}/conversations`, { title: 'R', kind: 'group', participantIds: [g.client.user.id] })).body.conversation.id
    const message = (await g.client.api.post(`/conversations/${conv}/messages`, { clientId: uniq('c'), content: 'spam again' })).body.message
    const report = (await g.staff.api.post(`/messages/${message.id}/report`, { reason: 'spam' })).body.report
    const until = new Date(Date.now() + 86_400_000).toISOString()
    expect((await admin.api.post(`/admin/reports/${report.id}/resolve`, { action: 'dismiss', until })).status).toBe(422)
    const res = await admin.api.post(`/admin/reports/${report.id}/resolve`, { action: 'suspend_user', note: 'a day off', until })
    expect(res.status).toBe(200)
    const users = (await admin.api.get(`/admin/users?q=${encodeURIComponent(g.client.user.email)}`)).body.users
    expect(users[0].suspendedUntil).toBe(until)
  })

  it('refuses unknown actions (422), unknown reports (404) and everyone but admins (404)', async () => {
    const { report } = await reportedMessage()
    expect((await admin.api.post(`/admin/reports/${report.id}/resolve`, { action: 'ban_forever' })).status).toBe(422)
    expect((await admin.api.post('/admin/reports/00000000-0000-4000-8000-000000000000/resolve', { action: 'dismiss' })).status).toBe(404)
    for (const actor of [f.owner, f.client, await signInAnalyst()]) {
      expect((await actor.api.get(`/admin/reports/${report.id}`)).status).toBe(404)
      expect((await actor.api.post(`/admin/reports/${report.id}/resolve`, { action: 'dismiss' })).status).toBe(404)
    }
  })
})

describe('admin participant changes', () => {
  it('adds a project member to a conversation: their open socket subscribes and gets its next message', async () => {
    const conv = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'P', kind: 'group', participantIds: [f.client.user.id] })).body.conversation.id
    const socket = await wsConnect(baseURL(), { token: f.client2.token })
    const res = await admin.api.post(`/admin/conversations/${conv}/participants`, { userId: f.client2.user.id, reason: 'needs to follow this' })
    expect(res.status).toBe(201)
    await socket.next(fr => fr.type === 'conversation:updated' && fr.data.added === true && fr.data.conversation.id === conv)
    const sent = await f.staff.api.post(`/conversations/${conv}/messages`, { clientId: uniq('c'), content: 'welcome' })
    const live = await socket.next(fr => fr.type === 'message:new' && fr.conversationId === conv)
    expect(live.data.message.id).toBe(sent.body.message.id)
    expect((await admin.api.post(`/admin/conversations/${conv}/participants`, { userId: f.client2.user.id })).status).toBe(200)
    const outsider = (await createProjectFixture(baseURL(), admin)).client
    expect((await admin.api.post(`/admin/conversations/${conv}/participants`, { userId: outsider.user.id })).status).toBe(404)
  })

  it('removes a participant: their socket gets conversation:removed and nothing after it; removing twice is 404', async () => {
    const conv = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'P', kind: 'group', participantIds: [f.client.user.id, f.client2.user.id] })).body.conversation.id
    const socket = await wsConnect(baseURL(), { token: f.client2.token })
    const res = await admin.api.del(`/admin/conversations/${conv}/participants/${f.client2.user.id}?reason=off+topic`)
    expect(res.status).toBe(200)
    await socket.next(fr => fr.type === 'conversation:removed' && fr.data.conversationId === conv)
    expect((await f.client2.api.get(`/conversations/${conv}`)).status).toBe(404)
    // History checks the caller in its own statement (server/domain/messages/history-page.ts): the same answer.
    expect((await f.client2.api.get(`/conversations/${conv}/messages`)).status).toBe(404)
    expect((await f.client.api.get(`/conversations/${conv}/messages`)).status).toBe(200)
    expect((await admin.api.del(`/admin/conversations/${conv}/participants/${f.client2.user.id}`)).status).toBe(404)
    const audit = await admin.api.get(`/admin/audit?action=participant.remove&targetId=${conv}`)
    expect(audit.body.entries[0]).toMatchObject({ reason: 'off topic', details: { userId: f.client2.user.id } })
  })
})

describe('admin user management', () => {
  it('searches users by email, name or handle, filters by role and suspension, and pages', async () => {
    const g = await createProjectFixture(baseURL(), admin)
    const byHandle = await admin.api.get(`/admin/users?q=${encodeURIComponent(g.client.user.handle)}`)
    expect(byHandle.body.users.map((u: any) => u.id)).toEqual([g.client.user.id])
    const analysts = await admin.api.get('/admin/users?role=analyst')
    expect(analysts.body.users.length).toBeGreaterThan(0)
    expect(analysts.body.users.every((u: any) => u.role === 'analyst')).toBe(true)
    await admin.api.post(`/admin/users/${g.client2.user.id}/suspend`, { reason: 'test' })
    const suspended = await admin.api.get('/admin/users?suspended=true&limit=200')
    expect(suspended.body.users.map((u: any) => u.id)).toContain(g.client2.user.id)
    const first = await admin.api.get('/admin/users?limit=2')
    const second = await admin.api.get(`/admin/users?limit=2&cursor=${first.body.nextCursor}`)
    expect(second.body.users.map((u: any) => u.id)).not.toContain(first.body.users[0].id)
    const literal = await admin.api.get('/admin/users?q=%25')
    expect(literal.status).toBe(200)
  })

  it('finds a user by their exact id, with the other filters still applied', async () => {
    const g = await createProjectFixture(baseURL(), admin)
    const byId = await admin.api.get(`/admin/users?q=${g.client.user.id.toUpperCase()}`)
    expect(byId.status).toBe(200)
    expect(byId.body.users.map((u: any) => u.id)).toEqual([g.client.user.id])
    expect(Date.parse(byId.body.users[0].createdAt)).toBeLessThanOrEqual(Date.now())
    expect((await admin.api.get(`/admin/users?q=${g.client.user.id}&role=admin`)).body.users).toEqual([])
    expect((await admin.api.get(`/admin/users?q=${g.client.user.id.slice(0, 8)}`)).body.users).toEqual([])
    for (const actor of [g.owner, await signInAnalyst()]) expect((await actor.api.get(`/admin/users?q=${g.client.user.id}`)).status).toBe(404)
  })

  it('changes a user\'s role with an audit row, but never the admin\'s own', async () => {
    const g = await createProjectFixture(baseURL(), admin)
    const res = await admin.api.patch(`/admin/users/${g.staff.user.id}`, { role: 'analyst', reason: 'moved to reporting' })
    expect(res.body.user.role).toBe('analyst')
    expect((await g.staff.api.get(`/projects/${g.project.id}/conversations`)).status).toBe(404)
    const audit = await admin.api.get(`/admin/audit?action=user.role&targetId=${g.staff.user.id}`)
    expect(audit.body.entries[0]).toMatchObject({ details: { from: 'member', to: 'analyst' }, reason: 'moved to reporting' })
    expect((await admin.api.patch(`/admin/users/${admin.user.id}`, { role: 'member' })).status).toBe(409)
    expect((await g.owner.api.patch(`/admin/users/${g.owner.user.id}`, { role: 'admin' })).status).toBe(404)
    expect((await g.owner.api.get('/admin/users')).status).toBe(404)
  })
})

describe('admin-created accounts', () => {
  it('creates an account with a one-time sign-up link through which its owner sets a password and signs in', async () => {
    const email = `${uniq('new').toLowerCase()}@example.test`
    const res = await admin.api.post('/admin/users', { email, displayName: 'New Person', role: 'analyst' })
    expect(res.status).toBe(201)
    expect(res.body.user).toMatchObject({ email, displayName: 'New Person', role: 'analyst', suspended: false })
    const token = new URL(res.body.inviteUrl).pathname.split('/').pop()!
    expect(res.body.inviteUrl).toMatch(/\/signup\/[\w-]+$/)

    const anonymous = new Api(baseURL())
    expect((await anonymous.post('/auth/login', { email, password: 'anything-at-all' })).status).toBe(401)
    const signup = await anonymous.post(`/auth/signup/${token}`, { password: 'a-long-new-password' })
    expect(signup.status).toBe(200)
    expect(signup.body.user).toMatchObject({ email, role: 'analyst' })
    expect((await new Api(baseURL(), signup.body.token).get('/me')).body.user.email).toBe(email)
    expect((await anonymous.post('/auth/login', { email, password: 'a-long-new-password' })).status).toBe(200)

    expect((await anonymous.post(`/auth/signup/${token}`, { password: 'another-password' })).status).toBe(404)
    expect((await admin.api.post('/admin/users', { email: email.toUpperCase(), displayName: 'Again' })).status).toBe(409)
    const actions = (await admin.api.get(`/admin/audit?targetType=user&targetId=${res.body.user.id}`)).body.entries.map((e: any) => e.action)
    expect(actions).toEqual(['user.signup', 'user.create'])
  })

  it('refuses weak passwords, bad emails and non-admins', async () => {
    const res = await admin.api.post('/admin/users', { email: `${uniq('w').toLowerCase()}@example.test`, displayName: 'Weak' })
    const token = new URL(res.body.inviteUrl).pathname.split('/').pop()!
    expect((await new Api(baseURL()).post(`/auth/signup/${token}`, { password: 'short' })).status).toBe(422)
    expect((await admin.api.post('/admin/users', { email: 'not-an-email', displayName: 'X' })).status).toBe(422)
    expect((await f.owner.api.post('/admin/users', { email: 'x@example.test', displayName: 'X' })).status).toBe(404)
  })
})
