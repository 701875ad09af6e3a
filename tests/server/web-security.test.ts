import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api, createProjectFixture, signIn } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { ADMIN, startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'
import { baseURL, dbMode, signInAdmin } from '../helpers/server'

interface RawResponse { status: number, body: any }

/** A request with headers fetch will not let us set (Host) and bodies of any type. */
function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  const url = new URL(`/api${path}`, base)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => {
        let parsed: unknown = text
        try {
          parsed = JSON.parse(text)
        } catch { /* keep the text */ }
        resolve({ status: res.statusCode!, body: parsed })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

let f: ProjectFixture
let conversationId: string

async function sessionCookie(actor: ProjectFixture['client']): Promise<string> {
  const login = await new Api(baseURL()).post('/auth/login', { email: actor.user.email, password: actor.password })
  return login.headers.get('set-cookie')!.split(';')[0]!
}

const messageCount = async () => (await f.staff.api.get(`/conversations/${conversationId}/messages?limit=100`)).body.messages.length

describe('links never follow request headers', () => {
  beforeAll(async () => {
    f = await createProjectFixture(baseURL(), await signInAdmin())
  })

  it('builds invite links from the configured origin, whatever Host and X-Forwarded-* say', async () => {
    const port = new URL(baseURL()).port
    const invite = await raw(baseURL(), 'POST', `/projects/${f.project.id}/invites`, {
      'authorization': `Bearer ${f.owner.token}`, 'content-type': 'application/json',
      'host': 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https'
    }, JSON.stringify({ role: 'client' }))
    expect(invite.status).toBe(201)
    // PUBLIC_URL and ALLOWED_ORIGINS are unset in the shared test app: the origin it listens on.
    expect(invite.body.invite.url).toBe(`http://localhost:${port}/invite/${invite.body.invite.token}`)
  })

  it('builds the admin\'s sign-up links the same way', async () => {
    const admin = await signInAdmin()
    const created = await raw(baseURL(), 'POST', '/admin/users', {
      'authorization': `Bearer ${admin.token}`, 'content-type': 'application/json', 'host': 'evil.example'
    }, JSON.stringify({ email: `linked-${Date.now()}@test.local`, displayName: 'Linked', role: 'member' }))
    expect(created.status).toBe(201)
    expect(created.body.inviteUrl).toMatch(new RegExp(`^http://localhost:${new URL(baseURL()).port}/signup/`))
  })
})

describe('with PUBLIC_URL set', () => {
  let stack: TestStack
  beforeAll(async () => {
    stack = await startTestStack(dbMode(), { PUBLIC_URL: 'https://chat.example.test/' })
  })
  afterAll(async () => {
    await stack?.teardown()
  })

  it('puts PUBLIC_URL\'s origin in links and lets only it act with the cookie', async () => {
    const fixture = await createProjectFixture(stack.app.baseURL, await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password))
    const invite = await raw(stack.app.baseURL, 'POST', `/projects/${fixture.project.id}/invites`, {
      'authorization': `Bearer ${fixture.owner.token}`, 'content-type': 'application/json', 'host': 'evil.example'
    }, JSON.stringify({ role: 'client' }))
    expect(invite.body.invite.url).toBe(`https://chat.example.test/invite/${invite.body.invite.token}`)
    const login = await new Api(stack.app.baseURL).post('/auth/login', { email: fixture.client.user.email, password: fixture.client.password })
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const logout = (origin: string) => raw(stack.app.baseURL, 'POST', '/auth/logout', { cookie, origin })
    // The host the request reached is no longer enough once PUBLIC_URL names the app's origin.
    expect((await logout(stack.app.baseURL)).status).toBe(403)
    expect((await logout('https://chat.example.test')).status).toBeLessThan(300)
  })
})

describe('cross-site requests with the session cookie', () => {
  let cookie: string

  beforeAll(async () => {
    f ??= await createProjectFixture(baseURL(), await signInAdmin())
    conversationId = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'CSRF', kind: 'group', participantIds: [f.client.user.id] })).body.conversation.id
    cookie = await sessionCookie(f.client)
  })

  const post = (headers: Record<string, string>, body = JSON.stringify({ clientId: crypto.randomUUID(), content: 'forged?' })) =>
    raw(baseURL(), 'POST', `/conversations/${conversationId}/messages`, { cookie, ...headers }, body)

  it('refuses a foreign or null Origin with 403 and writes nothing, even for a text/plain body', async () => {
    const before = await messageCount()
    const forged: Array<Record<string, string>> = [
      { 'origin': 'https://evil.example', 'content-type': 'application/json' },
      { 'origin': 'https://evil.example', 'content-type': 'text/plain' },
      { 'origin': 'null', 'content-type': 'application/json' },
      { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      { 'sec-fetch-site': 'same-site', 'content-type': 'text/plain' }
    ]
    for (const headers of forged) {
      const res = await post(headers)
      expect(res.status, JSON.stringify(headers)).toBe(403)
      expect(res.body.data.code).toBe('forbidden')
    }
    // Signing in from another site is refused too: no page can sign a visitor in as someone else.
    const login = await raw(baseURL(), 'POST', '/auth/login', { 'origin': 'https://evil.example', 'content-type': 'application/json' },
      JSON.stringify({ email: f.client.user.email, password: f.client.password }))
    expect(login.status).toBe(403)
    expect(await messageCount()).toBe(before)
  })

  it('accepts the app\'s own origin, and bearer requests from anywhere', async () => {
    expect((await post({ 'origin': baseURL(), 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' })).status).toBe(201)
    const bearer = await raw(baseURL(), 'POST', `/conversations/${conversationId}/messages`, {
      'authorization': `Bearer ${f.client.token}`, 'origin': 'https://elsewhere.example', 'content-type': 'application/json'
    }, JSON.stringify({ clientId: crypto.randomUUID(), content: 'a bot on another origin' }))
    expect(bearer.status).toBe(201)
  })

  it('answers a JSON endpoint 415 for a body that is not declared JSON', async () => {
    const before = await messageCount()
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const headers: Record<string, string> = { authorization: `Bearer ${f.client.token}` }
      if (type) headers['content-type'] = type
      const res = await raw(baseURL(), 'POST', `/conversations/${conversationId}/messages`, headers, JSON.stringify({ clientId: crypto.randomUUID(), content: 'typed?' }))
      expect(res.status, type).toBe(415)
      expect(res.body.data.code).toBe('unsupported_media_type')
    }
    expect(await messageCount()).toBe(before)
    // A JSON type with parameters, or a +json type, is JSON.
    const withCharset = await raw(baseURL(), 'POST', `/conversations/${conversationId}/messages`,
      { 'authorization': `Bearer ${f.client.token}`, 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ clientId: crypto.randomUUID(), content: 'typed' }))
    expect(withCharset.status).toBe(201)
  })
})
