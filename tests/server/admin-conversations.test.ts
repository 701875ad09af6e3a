import { beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture, uniq } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin, signInAnalyst } from '../helpers/server'

let f: ProjectFixture
let admin: Actor

describe('the admin conversation list', () => {
  beforeAll(async () => {
    admin = await signInAdmin()
    f = await createProjectFixture(baseURL(), admin)
  })

  it('lists every conversation of a project, also those the admin is not in, and filters by member, status and title', async () => {
    const title = uniq('Quarterly review')
    const withClient = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title, kind: 'group', participantIds: [f.client.user.id] })).body.conversation.id
    const staffOnly = (await f.owner.api.post(`/projects/${f.project.id}/conversations`, { title: uniq('Internal'), kind: 'group', participantIds: [f.staff.user.id] })).body.conversation.id
    await admin.api.patch(`/admin/conversations/${staffOnly}`, { status: 'locked' })

    const all = await admin.api.get(`/admin/conversations?projectId=${f.project.id}`)
    expect(all.status).toBe(200)
    const ids = all.body.conversations.map((c: any) => c.id)
    expect(ids).toEqual(expect.arrayContaining([withClient, staffOnly]))
    expect(all.body.conversations.find((c: any) => c.id === withClient)).toMatchObject({ projectName: f.project.name, memberCount: 2, title })

    const clients = await admin.api.get(`/admin/conversations?userId=${f.client.user.id}`)
    expect(clients.body.conversations.map((c: any) => c.id)).toEqual([withClient])
    const locked = await admin.api.get(`/admin/conversations?projectId=${f.project.id}&status=locked`)
    expect(locked.body.conversations.map((c: any) => c.id)).toEqual([staffOnly])
    const byTitle = await admin.api.get(`/admin/conversations?q=${encodeURIComponent(title.slice(0, 12))}&projectId=${f.project.id}`)
    expect(byTitle.body.conversations.map((c: any) => c.id)).toEqual([withClient])

    const first = await admin.api.get(`/admin/conversations?projectId=${f.project.id}&limit=1`)
    const second = await admin.api.get(`/admin/conversations?projectId=${f.project.id}&limit=1&cursor=${first.body.nextCursor}`)
    expect(second.body.conversations[0].id).not.toBe(first.body.conversations[0].id)
  })

  it('is for admins only, and refuses bad filters', async () => {
    for (const actor of [f.owner, f.client, await signInAnalyst()]) expect((await actor.api.get('/admin/conversations')).status).toBe(404)
    expect((await admin.api.get('/admin/conversations?status=frozen')).status).toBe(400)
    expect((await admin.api.get('/admin/conversations?cursor=bm9wZQ')).status).toBe(400)
  })
})
