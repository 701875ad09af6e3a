import { randomBytes, randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api } from '../helpers/api'
import { startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'
import { dbMode } from '../helpers/server'

// Supabase mode, verification half: the app accepts access tokens signed with the project's JWT secret, as
// Supabase Auth issues them. Supabase Auth itself cannot run here (it is a Docker service), so SUPABASE_URL
// points at a closed port: sign-in through it must fail closed.
const jwtSecret = randomBytes(32).toString('hex')
let stack: TestStack

function supabaseToken(claims: Record<string, unknown>, secret = jwtSecret, expiresIn = '5m') {
  return new SignJWT({ role: 'authenticated', aud: 'authenticated', app_metadata: { provider: 'email' }, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret))
}

describe('identity adapter in Supabase mode', () => {
  beforeAll(async () => {
    stack = await startTestStack(dbMode(), { SUPABASE_URL: 'http://127.0.0.1:9', SUPABASE_ANON_KEY: 'anon-key-for-tests', SUPABASE_JWT_SECRET: jwtSecret })
  })
  afterAll(async () => {
    await stack?.teardown()
  })

  it('accepts a Supabase access token and maps its user on first sight', async () => {
    const sub = randomUUID()
    const token = await supabaseToken({ sub, email: 'Supa.User@Example.test' })
    const me = await new Api(stack.app.baseURL, token).get('/me')
    expect(me.status).toBe(200)
    expect(me.body.user).toMatchObject({ email: 'supa.user@example.test', role: 'member' })
    const again = await new Api(stack.app.baseURL, token).get('/me')
    expect(again.body.user.id).toBe(me.body.user.id)
  })

  it('refuses tokens with a wrong signature, a wrong audience or an expired lifetime', async () => {
    const sub = randomUUID()
    const forged = await supabaseToken({ sub, email: 'x@example.test' }, randomBytes(32).toString('hex'))
    const wrongAudience = await supabaseToken({ sub, email: 'x@example.test', aud: 'anon' })
    const expired = await supabaseToken({ sub, email: 'x@example.test' }, jwtSecret, '-1m')
    for (const token of [forged, wrongAudience, expired]) {
      const res = await new Api(stack.app.baseURL, token).get('/me')
      expect(res.status).toBe(401)
      expect(res.body.data.code).toBe('unauthorized')
    }
  })

  it('fails sign-in closed when Supabase Auth is unreachable', async () => {
    const res = await new Api(stack.app.baseURL).post('/auth/login', { email: 'someone@example.test', password: 'whatever-password' })
    expect(res.status).toBe(401)
  })
})
