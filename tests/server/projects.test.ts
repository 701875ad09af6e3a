import { beforeAll, describe, expect, it } from 'vitest'
import { Api, createProjectFixture, inviteUser, signIn, uniq } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin } from '../helpers/server'

let f: ProjectFixture

describe('projects, members and invites', () => {
  beforeAll(async () => {
    f = await createProjectFixture(baseURL(), await signInAdmin())
  })

  it('lists only the projects a user belongs to, with their role', async () => {
    const other = await createProjectFixture(baseURL(), f.admin)
    const mine = await f.client.api.get('/projects')
    expect(mine.body.projects).toEqual([{ id: f.project.id, slug: f.project.slug, name: f.project.name, role: 'client', unreadCount: 0, mentionCount: 0 }])
    const adminView = await f.admin.api.get('/projects')
    const ids = adminView.body.projects.map((p: any) => p.id)
    expect(ids).toEqual(expect.arrayContaining([f.project.id, other.project.id]))
  })

  it('counts unread messages and mentions per project over the caller\'s own conversations', async () => {
    const g = await createProjectFixture(baseURL(), f.admin)
    const counts = async (actor: typeof g.client) => (await actor.api.get('/projects')).body.projects
      .find((p: any) => p.id === g.project.id)
    const post = async (conversationId: string, content: string) =>
      (await g.staff.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content })).body.message
    const one = (await g.staff.api.post(`/projects/${g.project.id}/conversations`, { title: 'One', kind: 'support', participantIds: [g.client.user.id] })).body.conversation
    const two = (await g.staff.api.post(`/projects/${g.project.id}/conversations`, { title: 'Two', kind: 'group', participantIds: [g.client.user.id, g.client2.user.id] })).body.conversation
    await post(one.id, 'plain news')
    const mention = await post(two.id, `over to you @${g.client.user.handle}`)
    await g.client.api.post(`/conversations/${two.id}/messages`, { clientId: crypto.randomUUID(), content: 'my own reply does not count' })

    expect(await counts(g.client)).toMatchObject({ unreadCount: 2, mentionCount: 1 })
    expect(await counts(g.client2)).toMatchObject({ unreadCount: 2, mentionCount: 0 })
    expect(await counts(g.staff)).toMatchObject({ unreadCount: 1, mentionCount: 0 })
    await g.client.api.post(`/conversations/${two.id}/read`, { seq: mention.seq + 1 })
    expect(await counts(g.client)).toMatchObject({ unreadCount: 1, mentionCount: 0 })
    // Admins see every project, but only count conversations they take part in.
    expect((await f.admin.api.get('/projects')).body.projects.find((p: any) => p.id === g.project.id))
      .toMatchObject({ unreadCount: 0, mentionCount: 0 })
  })

  it('refuses a duplicate slug with 409 conflict', async () => {
    const res = await f.admin.api.post('/projects', { name: 'Again', slug: f.project.slug })
    expect(res.status).toBe(409)
    expect(res.body.data.code).toBe('conflict')
  })

  it('lists members with role and presence', async () => {
    const res = await f.client.api.get(`/projects/${f.project.id}/members`)
    expect(res.status).toBe(200)
    const byId = Object.fromEntries(res.body.members.map((m: any) => [m.userId, m]))
    expect(byId[f.owner.user.id]).toMatchObject({ role: 'owner', displayName: f.owner.user.displayName })
    expect(byId[f.client.user.id]).toMatchObject({ role: 'client', presence: 'offline' })
  })

  it('shows a client the owners, the staff and the people of their own conversations, never the other clients', async () => {
    const g = await createProjectFixture(baseURL(), await signInAdmin())
    const third = await inviteUser(g.staff.api, g.project.id, 'client', 'client3')
    const ids = async (actor: { api: { get: (path: string) => Promise<{ body: any }> } }) =>
      new Set<string>((await actor.api.get(`/projects/${g.project.id}/members`)).body.members.map((m: any) => m.userId))
    const everyone = [g.owner, g.staff, g.client, g.client2, third].map(a => a.user.id)
    expect([...await ids(g.staff)].sort()).toEqual([...everyone].sort())
    expect([...await ids(g.client)].sort()).toEqual([g.owner.user.id, g.staff.user.id, g.client.user.id].sort())
    // Sharing a conversation makes two clients visible to each other, and only them; leaving it hides them again.
    const shared = (await g.staff.api.post(`/projects/${g.project.id}/conversations`, { title: 'Both', kind: 'group', participantIds: [g.client.user.id, g.client2.user.id] })).body.conversation.id
    expect(await ids(g.client)).toContain(g.client2.user.id)
    expect(await ids(g.client)).not.toContain(third.user.id)
    expect(await ids(g.client2)).toContain(g.client.user.id)
    const admin = await signInAdmin()
    expect((await admin.api.del(`/admin/conversations/${shared}/participants/${g.client2.user.id}?reason=test`)).status).toBeLessThan(300)
    expect(await ids(g.client)).not.toContain(g.client2.user.id)
    // A client naming a client they cannot see gets 404, as for any id they may not see.
    const dm = await g.client.api.post(`/projects/${g.project.id}/conversations`, { kind: 'dm', participantIds: [third.user.id] })
    expect(dm.status).toBe(404)
  })

  it('shows an invite token once and stores only its hash; the URL carries the token', async () => {
    const res = await f.owner.api.post(`/projects/${f.project.id}/invites`, { role: 'staff', expiresInHours: 1, maxUses: 2 })
    expect(res.status).toBe(201)
    expect(res.body.invite.url).toContain(`/invite/${res.body.invite.token}`)
    expect(res.body.invite.maxUses).toBe(2)
    expect(new Date(res.body.invite.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000 + 5000)
  })

  it('lets an invite be used at most maxUses times, then answers 404', async () => {
    const res = await f.owner.api.post(`/projects/${f.project.id}/invites`, { role: 'client', maxUses: 1 })
    const token = res.body.invite.token
    const body = () => ({ email: `${uniq('inv')}@example.test`, password: 'long-enough-pw', displayName: 'Invitee' })
    const results = await Promise.all([1, 2, 3].map(() => new Api(baseURL()).post(`/invites/${token}/redeem`, body())))
    expect(results.map(r => r.status).sort()).toEqual([200, 404, 404])
    const unknown = await new Api(baseURL()).post('/invites/not-a-real-token-at-all/redeem', body())
    expect(unknown.status).toBe(404)
    expect(unknown.body.data.code).toBe('not_found')
  })

  it('derives a handle from the email when none is given', async () => {
    const res = await f.owner.api.post(`/projects/${f.project.id}/invites`, { role: 'client' })
    const email = `${uniq('derived')}@example.test`
    const redeemed = await new Api(baseURL()).post(`/invites/${res.body.invite.token}/redeem`, { email, password: 'long-enough-pw', displayName: 'D' })
    expect(redeemed.status).toBe(200)
    expect(redeemed.body.user.handle).toMatch(/^derived-[a-f0-9]+-[a-z0-9]+$/)
    expect(redeemed.body.projectId).toBe(f.project.id)
  })

  it('lets a signed-in user join another project with an invite', async () => {
    const other = await createProjectFixture(baseURL(), f.admin)
    const invite = await other.owner.api.post(`/projects/${other.project.id}/invites`, { role: 'client' })
    const joined = await f.client.api.post(`/invites/${invite.body.invite.token}/redeem`, {})
    expect(joined.status).toBe(200)
    expect(joined.body.user.id).toBe(f.client.user.id)
    const projects = (await f.client.api.get('/projects')).body.projects.map((p: any) => p.id)
    expect(projects).toEqual(expect.arrayContaining([f.project.id, other.project.id]))
  })

  it('lets owners add existing accounts by email and remove members, who then lose access', async () => {
    const other = await createProjectFixture(baseURL(), f.admin)
    const outsider = other.client
    const added = await f.owner.api.post(`/projects/${f.project.id}/members`, { email: outsider.user.email, role: 'client' })
    expect(added.status).toBe(201)
    expect((await f.staff.api.post(`/projects/${f.project.id}/members`, { email: outsider.user.email, role: 'client' })).status).toBe(403)
    const conv = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'With outsider', kind: 'group', participantIds: [outsider.user.id] })
    expect((await outsider.api.get(`/conversations/${conv.body.conversation.id}`)).status).toBe(200)
    const removed = await f.owner.api.del(`/projects/${f.project.id}/members/${outsider.user.id}`)
    expect(removed.status).toBe(200)
    expect((await outsider.api.get(`/conversations/${conv.body.conversation.id}`)).status).toBe(404)
    // History checks the caller in its own statement (server/domain/messages/history-page.ts): the same answer.
    expect((await outsider.api.get(`/conversations/${conv.body.conversation.id}/messages`)).status).toBe(404)
    expect((await outsider.api.get(`/projects/${f.project.id}/members`)).status).toBe(404)
    const feed = await f.staff.api.get(`/conversations/${conv.body.conversation.id}/events`)
    expect(feed.body.events.at(-1)).toMatchObject({ type: 'conversation:updated', data: { removedUserIds: [outsider.user.id] } })
  })

  it('keeps at least one owner', async () => {
    const res = await f.owner.api.del(`/projects/${f.project.id}/members/${f.owner.user.id}`)
    expect(res.status).toBe(409)
  })

  it('lets a new account sign in with the password it chose', async () => {
    const actor = await inviteUser(f.owner.api, f.project.id, 'client', 'signin')
    const again = await signIn(baseURL(), actor.user.email, actor.password)
    expect(again.user.id).toBe(actor.user.id)
  })
})

describe('conversations', () => {
  it('opens a DM once: a second create returns the same conversation with 200', async () => {
    const first = await f.client.api.post(`/projects/${f.project.id}/conversations`, { kind: 'dm', participantIds: [f.staff.user.id] })
    expect(first.status).toBe(201)
    const second = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { kind: 'dm', participantIds: [f.client.user.id] })
    expect(second.status).toBe(200)
    expect(second.body.conversation.id).toBe(first.body.conversation.id)
  })

  it('includes every project member in a project conversation created without participants', async () => {
    const res = await f.owner.api.post(`/projects/${f.project.id}/conversations`, { title: 'All hands', kind: 'project' })
    expect(res.status).toBe(201)
    expect(res.body.conversation).toMatchObject({ kind: 'project', status: 'active', lastSeq: 0, unreadCount: 0, mentionCount: 0 })
    const detail = await f.client2.api.get(`/conversations/${res.body.conversation.id}`)
    expect(detail.status).toBe(200)
    const ids = detail.body.members.map((m: any) => m.userId)
    expect(ids).toEqual(expect.arrayContaining([f.owner.user.id, f.staff.user.id, f.client.user.id, f.client2.user.id]))
  })

  it('orders the conversation list by latest activity', async () => {
    const a = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'A', kind: 'group', participantIds: [f.client.user.id] })
    const b = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'B', kind: 'group', participantIds: [f.client.user.id] })
    await f.client.api.post(`/conversations/${b.body.conversation.id}/messages`, { clientId: uniq('c'), content: 'b first' })
    await f.client.api.post(`/conversations/${a.body.conversation.id}/messages`, { clientId: uniq('c'), content: 'a later' })
    const list = (await f.client.api.get(`/projects/${f.project.id}/conversations`)).body.conversations.map((c: any) => c.id)
    expect(list.indexOf(a.body.conversation.id)).toBeLessThan(list.indexOf(b.body.conversation.id))
  })
})
