import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api, createProjectFixture, signIn, uniq } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { ADMIN, startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'
import { dbMode } from '../helpers/server'

// Its own app with small sign-in limits. TRUST_PROXY lets each test pick its client IP with X-Forwarded-For, so
// the per-IP, per-IP+email and per-account rules can be told apart.
let stack: TestStack
let f: ProjectFixture
let nextIp = 1
const freshIp = () => `10.0.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`

function login(email: string, password: string, ip: string) {
  return new Api(stack.app.baseURL).request('POST', '/auth/login', { email, password }, { 'x-forwarded-for': ip })
}

describe('password guessing and account discovery', () => {
  beforeAll(async () => {
    stack = await startTestStack(dbMode(), {
      TRUST_PROXY: 'true', LOGIN_FAILURES_PER_MINUTE: '1000', LOGIN_FAILURES_PER_IP_PER_HOUR: '8',
      LOGIN_BACKOFF_AFTER: '3', LOGIN_BACKOFF_MAX_SECONDS: '900'
    })
    f = await createProjectFixture(stack.app.baseURL, await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password))
  })
  afterAll(async () => {
    await stack?.teardown()
  })

  it('limits failures per IP across emails (spraying one password over many accounts)', async () => {
    const sprayer = freshIp()
    const statuses = []
    for (let i = 0; i < 9; i++) statuses.push((await login(`${uniq('nobody')}@test.local`, 'Winter2026!', sprayer)).status)
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401))
    expect(statuses[8]).toBe(429)
    // The IP is refused for everyone, even with a right password; other IPs are not affected.
    const limited = await login(f.client2.user.email, f.client2.password, sprayer)
    expect(limited.status).toBe(429)
    expect(limited.body.data.retryAfterMs).toBeGreaterThan(0)
    expect((await login(f.client2.user.email, f.client2.password, freshIp())).status).toBe(200)
  })

  it('backs an account off exponentially after consecutive failures from anywhere; a success clears it', async () => {
    const email = f.client.user.email
    // Three free failures (LOGIN_BACKOFF_AFTER), each from a different IP.
    for (let i = 0; i < 3; i++) expect((await login(email, 'wrong-password', freshIp())).status).toBe(401)
    // The fourth blocks the account for 1 s: the right password waits too, whoever sends it.
    expect((await login(email, 'wrong-password', freshIp())).status).toBe(401)
    const first = await login(email, f.client.password, freshIp())
    expect(first.status).toBe(429)
    expect(first.body.data.code).toBe('rate_limited')
    expect(first.body.data.retryAfterMs).toBeLessThanOrEqual(1000)
    // Waiting out the block the server named, the fifth failure blocks for 2 s.
    await delay(first.body.data.retryAfterMs + 50)
    expect((await login(email, 'wrong-password', freshIp())).status).toBe(401)
    const second = await login(email, f.client.password, freshIp())
    expect(second.status).toBe(429)
    expect(second.body.data.retryAfterMs).toBeGreaterThan(1000)
    expect(second.body.data.retryAfterMs).toBeLessThanOrEqual(2000)
    await delay(second.body.data.retryAfterMs + 50)
    expect((await login(email, f.client.password, freshIp())).status).toBe(200)
    // Cleared: the next failure is free again.
    expect((await login(email, 'wrong-password', freshIp())).status).toBe(401)
    expect((await login(email, f.client.password, freshIp())).status).toBe(200)
  })

  it('never says that an email is registered when an invite is redeemed; its owner joins with their password', async () => {
    const invite = async () => (await f.owner.api.post(`/projects/${f.project.id}/invites`, { role: 'client', maxUses: 5 })).body.invite.token
    const token = await invite()
    const redeem = (body: Record<string, string>, t = token) =>
      new Api(stack.app.baseURL).request('POST', `/invites/${t}/redeem`, body, { 'x-forwarded-for': freshIp() })
    // An account of another project: its owner's email, a wrong password.
    const other = await createProjectFixture(stack.app.baseURL, await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password))
    const wrong = await redeem({ email: other.staff.user.email, password: 'not-their-password', displayName: 'Probe' })
    expect(wrong.status).toBe(401)
    expect(wrong.body.message).toBe('Invalid email or password')
    expect(JSON.stringify(wrong.body)).not.toMatch(/exist|registered|already/i)
    // With a made-up token nothing about the email is looked at: 404 for a registered and a new address alike.
    const madeUp = 'x'.repeat(32)
    expect((await redeem({ email: other.staff.user.email, password: 'whatever-123', displayName: 'Probe' }, madeUp)).status).toBe(404)
    expect((await redeem({ email: `${uniq('new')}@test.local`, password: 'whatever-123', displayName: 'Probe' }, madeUp)).status).toBe(404)
    // The right password joins the project and signs in, as a new account would; the name sent is ignored.
    const joined = await redeem({ email: other.staff.user.email, password: other.staff.password, displayName: 'Renamed?' })
    expect(joined.status).toBe(200)
    expect(joined.body).toMatchObject({ projectId: f.project.id, user: { id: other.staff.user.id, displayName: other.staff.user.displayName } })
    const member = await new Api(stack.app.baseURL, joined.body.token).get(`/projects/${f.project.id}/members`)
    expect(member.status).toBe(200)
    expect(member.body.members.find((m: any) => m.userId === other.staff.user.id).role).toBe('client')
    // A new address still creates its account.
    const fresh = await redeem({ email: `${uniq('fresh')}@test.local`, password: 'fresh-password-1', displayName: 'Fresh' })
    expect(fresh.status).toBe(200)
    expect(fresh.body.user.displayName).toBe('Fresh')
  })
})
