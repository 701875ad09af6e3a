import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture, signIn } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { ADMIN, startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'
import { dbMode } from '../helpers/server'
import { upgradeStatus, wsConnect, wsUrl } from '../helpers/ws'

// Its own app with the periodic socket sweep pushed out of reach, so a socket that closes here was closed by
// the suspension notice itself (the bus), not by the sweep that backs it up.
let stack: TestStack
let f: ProjectFixture

describe('suspending a user with open sockets', () => {
  beforeAll(async () => {
    stack = await startTestStack(dbMode(), { WS_SWEEP_MS: '3600000' })
    f = await createProjectFixture(stack.app.baseURL, await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password))
  })
  afterAll(async () => {
    await stack?.teardown()
  })

  it('closes every socket of the user with 4001 at once, leaves others open, and refuses new upgrades', async () => {
    const tabs = [await wsConnect(stack.app.baseURL, { token: f.client.token }), await wsConnect(stack.app.baseURL, { token: f.client.token })]
    const bystander = await wsConnect(stack.app.baseURL, { token: f.client2.token })
    const res = await f.admin.api.post(`/admin/users/${f.client.user.id}/suspend`, { reason: 'spam' })
    expect(res.status).toBe(200)
    for (const tab of tabs) expect((await tab.closed).code).toBe(4001)
    expect(await upgradeStatus(wsUrl(stack.app.baseURL, f.client.token))).toBe(401)
    const pong = await bystander.request('ping')
    expect(pong.ok).toBe(true)
  })
})
