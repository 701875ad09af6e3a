import { beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture, uniq } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin } from '../helpers/server'

let f: ProjectFixture
let dm: string

const send = (actor: ProjectFixture['client'], content = uniq('hi')) =>
  actor.api.post(`/conversations/${dm}/messages`, { clientId: uniq('c'), content })

describe('blocking people', () => {
  beforeAll(async () => {
    f = await createProjectFixture(baseURL(), await signInAdmin())
    dm = (await f.client.api.post(`/projects/${f.project.id}/conversations`, { kind: 'dm', participantIds: [f.staff.user.id] })).body.conversation.id
  })

  it('makes a DM undeliverable both ways with the neutral text, until the block is lifted', async () => {
    expect((await send(f.client)).status).toBe(201)
    const blocked = await f.client.api.post('/blocks', { userId: f.staff.user.id })
    expect(blocked.status).toBe(201)
    expect(blocked.body.block).toEqual({ userId: f.staff.user.id })
    for (const sender of [f.client, f.staff]) {
      const res = await send(sender)
      expect(res.status).toBe(403)
      expect(res.body.data.code).toBe('undeliverable')
      expect(res.body.message).toBe('Message could not be delivered.')
    }
    const mine = await f.client.api.get('/blocks')
    expect(mine.body.blocks).toEqual([expect.objectContaining({ userId: f.staff.user.id, displayName: f.staff.user.displayName })])
    expect((await f.staff.api.get('/blocks')).body.blocks).toEqual([])
    expect((await f.client.api.post('/blocks', { userId: f.staff.user.id })).status).toBe(200)

    expect((await f.client.api.del(`/blocks/${f.staff.user.id}`)).status).toBe(200)
    expect((await send(f.staff)).status).toBe(201)
    expect((await f.client.api.del(`/blocks/${f.staff.user.id}`)).status).toBe(404)
  })

  it('refuses blocking yourself (422) and people you share no project with (404)', async () => {
    expect((await f.client.api.post('/blocks', { userId: f.client.user.id })).status).toBe(422)
    const stranger = (await createProjectFixture(baseURL(), await signInAdmin())).client
    const res = await f.client.api.post('/blocks', { userId: stranger.user.id })
    expect(res.status).toBe(404)
    expect(res.body.data.code).toBe('not_found')
    expect((await f.client.api.post('/blocks', { userId: 'not-a-uuid' })).status).toBe(422)
  })
})
