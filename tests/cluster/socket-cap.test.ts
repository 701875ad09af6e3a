import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture, signIn } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { ADMIN, startApp, startTestStack } from '../helpers/app-process'
import type { AppProcess, TestStack } from '../helpers/app-process'
import { wsConnect } from '../helpers/ws'
import type { TestSocket } from '../helpers/ws'

let stack: TestStack
let second: AppProcess
let f: ProjectFixture

describe('the per-user socket cap across instances', () => {
  beforeAll(async () => {
    stack = await startTestStack('postgres', { RATE_LIMITS: 'off' })
    second = await startApp(stack.app.env, 'postgres')
    f = await createProjectFixture(stack.app.baseURL, await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password))
  })
  afterAll(async () => {
    await second?.stop()
    await stack?.teardown()
  })

  it('closes the oldest socket with 4008 even when it lives on another instance', async () => {
    const sockets: TestSocket[] = []
    for (let i = 0; i < 5; i++) sockets.push(await wsConnect(stack.app.baseURL, { token: f.client.token }))
    for (let i = 0; i < 3; i++) sockets.push(await wsConnect(second.baseURL, { token: f.client.token }))
    const ninth = await wsConnect(second.baseURL, { token: f.client.token })
    expect((await sockets[0]!.closed).code).toBe(4008)
    expect(sockets.slice(1).every(s => s.ws.readyState === s.ws.OPEN)).toBe(true)
    expect(ninth.ws.readyState).toBe(ninth.ws.OPEN)
  })
})
