import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api, createProjectFixture, signIn } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { ADMIN, startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'
import { dbMode } from '../helpers/server'
import { until } from '../helpers/wait'

// Its own app: default send limits (the shared test app raises them for the concurrency tests) and a
// one-second event retention with a one-second pruner, so `reset` can be observed.
let stack: TestStack
let f: ProjectFixture
let conversationId: string

describe('rate limits and event retention', () => {
  beforeAll(async () => {
    stack = await startTestStack(dbMode(), { EVENT_RETENTION_SECONDS: '1', EVENT_PRUNE_INTERVAL_SECONDS: '1', SEND_BURST: '5', SENDS_PER_MINUTE: '30',
      LOGIN_BACKOFF_AFTER: '1000', EDITS_PER_MINUTE: '3', REACTIONS_PER_MINUTE: '4', CONVERSATIONS_PER_HOUR: '2', MEMBER_CHANGES_PER_MINUTE: '2' })
    f = await createProjectFixture(stack.app.baseURL, await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password))
    const created = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Limits', kind: 'group', participantIds: [f.client.user.id] })
    conversationId = created.body.conversation.id
  })
  afterAll(async () => {
    await stack?.teardown()
  })

  it('limits sends per user with 429 rate_limited, retryAfterMs and Retry-After; others are unaffected', async () => {
    const results = []
    for (let i = 0; i < 6; i++) {
      results.push(await f.client.api.post(`/conversations/${conversationId}/messages`, { clientId: `burst-${i}`, content: `burst ${i}` }))
    }
    expect(results.slice(0, 5).map(r => r.status)).toEqual([201, 201, 201, 201, 201])
    const limited = results[5]!
    expect(limited.status).toBe(429)
    expect(limited.body.data.code).toBe('rate_limited')
    expect(limited.body.data.retryAfterMs).toBeGreaterThan(0)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    // A retry of an already-delivered clientId is answered from the database, not limited.
    const retry = await f.client.api.post(`/conversations/${conversationId}/messages`, { clientId: 'burst-0', content: 'burst 0' })
    expect(retry.status).toBe(200)
    expect((await f.staff.api.post(`/conversations/${conversationId}/messages`, { clientId: 'staff-1', content: 'fine' })).status).toBe(201)
  })

  it('limits failed sign-ins per IP and email to 10 a minute', async () => {
    const api = new Api(stack.app.baseURL)
    const statuses = []
    for (let i = 0; i < 11; i++) statuses.push((await api.post('/auth/login', { email: f.client.user.email, password: 'wrong-password' })).status)
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401))
    expect(statuses[10]).toBe(429)
    // Even the right password is refused until the window passes: the limit protects the account.
    const right = await api.post('/auth/login', { email: f.client.user.email, password: f.client.password })
    expect(right.status).toBe(429)
  })

  it('gives every other broadcast a user can trigger a budget of its own, answered with 429 past it', async () => {
    const expectLimited = (res: { status: number, body: any }) => {
      expect(res.status).toBe(429)
      expect(res.body.data.code).toBe('rate_limited')
      expect(res.body.data.retryAfterMs).toBeGreaterThan(0)
    }
    const post = (clientId: string) => f.staff.api.post(`/conversations/${conversationId}/messages`, { clientId, content: clientId })
    const [kept, gone] = [(await post('budget-kept')).body.message, (await post('budget-gone')).body.message]
    // EDITS_PER_MINUTE=3, shared by edits and deletes.
    expect((await f.staff.api.patch(`/messages/${kept.id}`, { content: 'one' })).status).toBe(200)
    expect((await f.staff.api.patch(`/messages/${kept.id}`, { content: 'two' })).status).toBe(200)
    expect((await f.staff.api.del(`/messages/${gone.id}`)).status).toBe(200)
    expectLimited(await f.staff.api.patch(`/messages/${kept.id}`, { content: 'three' }))
    expect((await f.staff.api.get(`/conversations/${conversationId}/messages?limit=100`)).body.messages.find((m: any) => m.id === kept.id).content).toBe('two')
    // REACTIONS_PER_MINUTE=4, adds and removes alike; another user's budget is their own.
    const react = (emoji: string) => f.client.api.post(`/messages/${kept.id}/reactions`, { emoji })
    for (const emoji of ['👍', '🎉', '🚀']) expect((await react(emoji)).status).toBe(200)
    expect((await f.client.api.del(`/messages/${kept.id}/reactions/${encodeURIComponent('🚀')}`)).status).toBe(200)
    expectLimited(await react('🔥'))
    expect((await f.staff.api.post(`/messages/${kept.id}/reactions`, { emoji: '🔥' })).status).toBe(200)
    // CONVERSATIONS_PER_HOUR=2: beforeAll created one.
    const create = () => f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'More', kind: 'group', participantIds: [f.client.user.id] })
    expect((await create()).status).toBe(201)
    expectLimited(await create())
    // MEMBER_CHANGES_PER_MINUTE=2, adding and removing alike.
    const members = `/projects/${f.project.id}/members`
    expect((await f.owner.api.del(`${members}/${f.client2.user.id}`)).status).toBe(200)
    expect((await f.owner.api.post(members, { email: f.client2.user.email, role: 'client' })).status).toBe(201)
    expectLimited(await f.owner.api.del(`${members}/${f.client2.user.id}`))
  })

  it('answers reset once the requested seq fell out of the retained window', async () => {
    const lastSeq = (await f.staff.api.get(`/conversations/${conversationId}`)).body.conversation.lastSeq
    expect(lastSeq).toBeGreaterThan(0)
    const feed = await until(() => f.staff.api.get(`/conversations/${conversationId}/events?after=0`), r => r.body.reset === true)
    expect(feed.body).toMatchObject({ events: [], lastSeq, reset: true })
    // A client that is up to date is not reset: nothing it needs was pruned.
    const current = await f.staff.api.get(`/conversations/${conversationId}/events?after=${lastSeq}`)
    expect(current.body).toMatchObject({ events: [], lastSeq, reset: false })
  })
})
