import { SignJWT } from 'jose'
import { describe, expect, inject, it } from 'vitest'
import { Api, signIn } from '../helpers/api'
import { ADMIN } from '../helpers/app-process'
import { baseURL } from '../helpers/server'

describe('authentication', () => {
  it('signs in with email and password and returns a Supabase-shaped bearer token', async () => {
    const api = new Api(baseURL())
    const res = await api.post('/auth/login', { email: ADMIN.email, password: ADMIN.password })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ email: ADMIN.email, role: 'admin' })
    expect(res.headers.get('set-cookie')).toMatch(/sb_session=.*HttpOnly.*SameSite=Lax/i)
    const claims = JSON.parse(Buffer.from(res.body.token.split('.')[1], 'base64url').toString())
    expect(claims).toMatchObject({ sub: res.body.user.id, email: ADMIN.email, role: 'authenticated', app_metadata: { role: 'admin' } })
    expect(new Date(res.body.expiresAt).getTime()).toBeGreaterThan(Date.now())
  })

  it('accepts the session cookie as well as the bearer token', async () => {
    const login = await new Api(baseURL()).post('/auth/login', { email: ADMIN.email, password: ADMIN.password })
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const me = await new Api(baseURL()).request('GET', '/me', undefined, { cookie })
    expect(me.status).toBe(200)
    expect(me.body.user.email).toBe(ADMIN.email)
  })

  it('answers bad credentials with 401 unauthorized', async () => {
    const res = await new Api(baseURL()).post('/auth/login', { email: ADMIN.email, password: 'wrong-password' })
    expect(res.status).toBe(401)
    expect(res.body.data.code).toBe('unauthorized')
    const unknown = await new Api(baseURL()).post('/auth/login', { email: 'nobody@example.test', password: 'whatever' })
    expect(unknown.status).toBe(401)
  })

  it('refuses signed-out and forged callers with 401', async () => {
    expect((await new Api(baseURL()).get('/me')).status).toBe(401)
    const { token } = await signIn(baseURL(), ADMIN.email, ADMIN.password)
    const [h, p] = token.split('.')
    const forged = new Api(baseURL(), `${h}.${p}.${Buffer.from('not-the-signature').toString('base64url')}`)
    const res = await forged.get('/me')
    expect(res.status).toBe(401)
    expect(res.body.data.code).toBe('unauthorized')
  })

  it('accepts a token only with the app’s signature, algorithm, issuer, audience, session and a future expiry', async () => {
    // Signed here with the app's own secret, so each token differs from a valid one in one claim only.
    const key = new TextEncoder().encode(inject('appEnv').AUTH_SECRET!)
    const { token, user } = await signIn(baseURL(), ADMIN.email, ADMIN.password)
    const { session_id: sessionId } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
    const make = (edit: { alg?: string, iss?: string, aud?: string, sessionId?: string | null, expSeconds?: number } = {}) => {
      const claims = { role: 'authenticated', ...(edit.sessionId === null ? {} : { session_id: edit.sessionId ?? sessionId }) }
      return new SignJWT(claims).setProtectedHeader({ alg: edit.alg ?? 'HS256', typ: 'JWT' }).setSubject(user.id)
        .setIssuer(edit.iss ?? 'switchboard').setAudience(edit.aud ?? 'authenticated').setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + (edit.expSeconds ?? 600)).sign(key)
    }
    const status = async (bearer: string) => (await new Api(baseURL(), bearer).get('/me')).status
    expect(await status(await make())).toBe(200)
    expect(await status(await make({ alg: 'HS512' }))).toBe(401)
    expect(await status(await make({ iss: 'someone-else' }))).toBe(401)
    expect(await status(await make({ aud: 'anon' }))).toBe(401)
    expect(await status(await make({ sessionId: null }))).toBe(401)
    expect(await status(await make({ sessionId: '00000000-0000-4000-8000-000000000000' }))).toBe(401)
    expect(await status(await make({ expSeconds: -60 }))).toBe(401)
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${(await make()).split('.')[1]}.`
    expect(await status(unsigned)).toBe(401)
  })

  it('refreshes a token for a live session and stops accepting it after logout', async () => {
    const actor = await signIn(baseURL(), ADMIN.email, ADMIN.password)
    const refreshed = await actor.api.post('/auth/refresh')
    expect(refreshed.status).toBe(200)
    expect(typeof refreshed.body.token).toBe('string')
    expect((await actor.api.post('/auth/logout')).status).toBe(200)
    expect((await actor.api.get('/me')).status).toBe(401)
    expect((await new Api(baseURL(), refreshed.body.token).get('/me')).status).toBe(401)
  })

  it('creates independent sessions for simultaneous sign-ins', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => new Api(baseURL()).post('/auth/login', { email: ADMIN.email, password: ADMIN.password })))
    expect(results.map(r => r.status)).toEqual(Array(8).fill(200))
    expect(new Set(results.map(r => r.body.token)).size).toBe(8)
  })

  it('answers malformed JSON with 400 validation_failed', async () => {
    const res = await new Api(baseURL()).post('/auth/login', '{"email":')
    expect(res.status).toBe(400)
    expect(res.body.data.code).toBe('validation_failed')
  })
})
