import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api, createProjectFixture, signIn, uniq } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { ADMIN, startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'
import { dbMode } from '../helpers/server'

// Its own app at LOG_LEVEL=debug, so every request writes a line and the output can be read whole.
let stack: TestStack
let f: ProjectFixture

// Nitro's own start-up banner ("Listening on …") is the one line that is not ours.
const lines = () => stack.app.output().split('\n').filter(l => l && !l.startsWith('Listening on '))

async function logLine(match: (entry: Record<string, any>) => boolean) {
  const deadline = Date.now() + 10_000
  for (;;) {
    const found = lines().map(l => JSON.parse(l) as Record<string, any>).find(match)
    if (found) return found
    if (Date.now() > deadline) throw new Error('log line not written')
    await new Promise(r => setTimeout(r, 50))
  }
}

describe('structured logs and request ids', () => {
  beforeAll(async () => {
    stack = await startTestStack(dbMode(), { LOG_LEVEL: 'debug' })
    f = await createProjectFixture(stack.app.baseURL, await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password))
  })
  afterAll(async () => {
    await stack?.teardown()
  })

  it('gives every response an X-Request-Id, keeping a well-formed incoming one', async () => {
    const fresh = await new Api(stack.app.baseURL).get('/health')
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const kept = await new Api(stack.app.baseURL).request('GET', '/health', undefined, { 'x-request-id': 'proxy-id-12345678' })
    expect(kept.headers.get('x-request-id')).toBe('proxy-id-12345678')
    const forged = await new Api(stack.app.baseURL).request('GET', '/health', undefined, { 'x-request-id': 'bad id\twith spaces' })
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('writes one JSON line per request with its request id, user id and route', async () => {
    await f.client.api.request('GET', '/me', undefined, { 'x-request-id': 'trace-me-12345678' })
    const entry = await logLine(e => e.requestId === 'trace-me-12345678')
    expect(entry).toMatchObject({ level: 'debug', msg: 'request', route: '/api/me', userId: f.client.user.id, method: 'GET', status: 200 })
    expect(typeof entry.time).toBe('string')
    for (const line of lines()) expect(() => JSON.parse(line)).not.toThrow()
  })

  it('never logs message bodies, passwords or tokens', async () => {
    const secretText = uniq('confidential-body')
    const conv = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Logs', kind: 'group', participantIds: [f.client.user.id] })
    await f.client.api.request('POST', `/conversations/${conv.body.conversation.id}/messages`, { clientId: uniq('c'), content: secretText }, { 'x-request-id': 'send-body-12345678' })
    await logLine(e => e.requestId === 'send-body-12345678')
    const output = stack.app.output()
    expect(output).not.toContain(secretText)
    expect(output).not.toContain(f.client.password)
    expect(output).not.toContain(f.client.token)
  })
})
