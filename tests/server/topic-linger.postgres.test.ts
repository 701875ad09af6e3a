import Redis from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin } from '../helpers/server'
import { waitUntil } from '../adapters/helpers'
import { wsConnect } from '../helpers/ws'

// Postgres + Redis run only: it reads the app's Redis subscriptions (the PGlite app's bus lives in its process).
const env = inject('appEnv')
const redis = new Redis(env.REDIS_URL!, { lazyConnect: true })
afterAll(() => redis.quit())

const subscribers = async (channel: string) => {
  const [, count] = await redis.pubsub('NUMSUB', `${env.REDIS_PREFIX}bus:${channel}`) as [string, number]
  return Number(count)
}

describe('an emptied topic lingers before the instance unsubscribes (WS_TOPIC_LINGER_MS)', () => {
  it('keeps the bus channel through the linger, serves a socket that comes back, then lets go', async () => {
    const f = await createProjectFixture(baseURL(), await signInAdmin())
    const created = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'linger', kind: 'group', participantIds: [f.client.user.id] })
    const conversationId = created.body.conversation.id as string
    const channel = `conv:${conversationId}`

    const first = await wsConnect(baseURL(), { token: f.client.token })
    expect(await subscribers(channel)).toBe(1)
    const left = await first.request('unsubscribe', { conversationIds: [conversationId] })
    expect(left.data.conversationIds).not.toContain(conversationId)
    // No local socket follows it now, and the instance is still subscribed: the linger.
    expect(await subscribers(channel)).toBe(1)

    // A message sent while nobody here follows the conversation advances the lingering topic; a socket that
    // subscribes again then gets the next one live, exactly once.
    await f.staff.api.post(`/conversations/${conversationId}/messages`, { clientId: 'linger-1', content: 'while lingering' })
    await first.request('subscribe', { conversationIds: [conversationId] })
    await f.staff.api.post(`/conversations/${conversationId}/messages`, { clientId: 'linger-2', content: 'after coming back' })
    const live = await first.next(frame => frame.type === 'message:new')
    expect(live.data.message.content).toBe('after coming back')

    first.close()
    await first.closed
    // The test app lingers briefly (tests/helpers/global-app.ts): then the subscription goes.
    await waitUntil(async () => (await subscribers(channel)) === 0, 'the lingering subscription to go', 10_000)
  })
})
