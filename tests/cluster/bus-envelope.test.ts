import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture, signIn, uniq } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { ADMIN, startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'
import { wsConnect } from '../helpers/ws'

// What arrives from Redis is untrusted input: another process (or anyone with Redis access) can publish on
// the app's channels. Garbage must be dropped without harming the instance or reaching a socket.
let stack: TestStack
let f: ProjectFixture
let redis: Redis

describe('bus messages from Redis', () => {
  beforeAll(async () => {
    stack = await startTestStack('postgres', { RATE_LIMITS: 'off' })
    f = await createProjectFixture(stack.app.baseURL, await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password))
    redis = new Redis(stack.app.env.REDIS_URL!)
  })
  afterAll(async () => {
    await redis?.quit()
    await stack?.teardown()
  })

  it('drops malformed or forged envelopes and keeps delivering real events', async () => {
    const conv = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Bus', kind: 'group', participantIds: [f.client.user.id] })).body.conversation.id
    const s = await wsConnect(stack.app.baseURL, { token: f.client.token })
    const channel = `${stack.app.env.REDIS_PREFIX}bus:conv:${conv}`
    const garbage = [
      'not json',
      '{"type":"message:new"}',
      JSON.stringify({ type: 'exec', conversationId: conv, data: {} }),
      JSON.stringify({ type: 'message:new', conversationId: conv, seq: -4, data: {} }),
      JSON.stringify({ type: 'message:new', conversationId: 'x', seq: 1, data: { message: { content: 'forged' } } }),
      JSON.stringify({ type: 'typing', conversationId: conv, data: 'oops' })
    ]
    for (const payload of garbage) await redis.publish(channel, payload)
    const sent = await f.staff.api.post(`/conversations/${conv}/messages`, { clientId: uniq('real'), content: 'the real one' })
    const event = await s.next(fr => fr.type === 'message:new' && fr.conversationId === conv)
    expect(event.data.message.id).toBe(sent.body.message.id)
    expect(s.frames.some(fr => JSON.stringify(fr).includes('forged'))).toBe(false)
    expect(s.frames.some(fr => fr.type === 'typing')).toBe(false)
    expect((await fetch(`${stack.app.baseURL}/api/health`)).status).toBe(200)
  })
})
