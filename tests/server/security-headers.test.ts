import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture, signIn } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { ADMIN, startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'
import { baseURL, dbMode } from '../helpers/server'

/** The policy as directive → sources. */
function directives(csp: string | null): Map<string, string[]> {
  expect(csp, 'Content-Security-Policy header').toBeTruthy()
  return new Map(csp!.split(';').map(d => d.trim()).filter(Boolean).map((d) => {
    const [name, ...sources] = d.split(/\s+/)
    return [name!, sources]
  }))
}

function expectBaseHeaders(headers: Headers) {
  expect(headers.get('x-content-type-options')).toBe('nosniff')
  expect(headers.get('x-frame-options')).toBe('DENY')
  expect(headers.get('referrer-policy')).toBe('same-origin')
  expect(headers.get('permissions-policy')).toContain('camera=()')
  expect(headers.get('permissions-policy')).toContain('microphone=()')
  expect(directives(headers.get('content-security-policy')).get('frame-ancestors')).toEqual(['\'none\''])
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`

describe('security headers', () => {
  it('a page allows exactly its own inline scripts by hash, and no inline or third-party script otherwise', async () => {
    const res = await fetch(`${baseURL()}/login`)
    expect(res.status).toBe(200)
    expectBaseHeaders(res.headers)
    expect(res.headers.get('x-powered-by')).toBeNull()
    const csp = directives(res.headers.get('content-security-policy'))
    const scriptSrc = csp.get('script-src')!
    expect(scriptSrc).toContain('\'self\'')
    expect(scriptSrc.filter(s => s !== '\'self\'' && !/^'sha256-[\w+/]+=*'$/.test(s))).toEqual([])
    expect(csp.get('default-src')).toEqual(['\'self\''])
    expect(csp.get('object-src')).toEqual(['\'none\''])
    expect(csp.get('base-uri')).toEqual(['\'self\''])
    expect(csp.get('connect-src')).toEqual(['\'self\''])

    const html = await res.text()
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
      .filter(([, attributes]) => !/\ssrc=/.test(attributes!) && !/type="application\/json"/.test(attributes!))
    // Nuxt's `window.__NUXT__` config, at least: the point of the hashes.
    expect(inline.length).toBeGreaterThan(0)
    expect(scriptSrc.filter(s => s.startsWith('\'sha256-'))).toEqual([...new Set(inline.map(([, , body]) => sha256(body!)))])
  })

  it('an API answer, an API error and a static file carry nosniff, no framing, the referrer policy and a CSP', async () => {
    const health = await fetch(`${baseURL()}/api/health`)
    expect(health.status).toBe(200)
    expectBaseHeaders(health.headers)
    expect(directives(health.headers.get('content-security-policy')).get('default-src')).toEqual(['\'none\''])

    const refused = await fetch(`${baseURL()}/api/me`)
    expect(refused.status).toBe(401)
    expectBaseHeaders(refused.headers)

    // The service worker runs under its own response's policy: it must still be allowed to fetch from us.
    const worker = await fetch(`${baseURL()}/sw.js`)
    expect(worker.status).toBe(200)
    expectBaseHeaders(worker.headers)
    expect(directives(worker.headers.get('content-security-policy')).get('connect-src')).toEqual(['\'self\''])
  })

  it('sends no HSTS over http, nor for an X-Forwarded-Proto from a proxy that is not trusted', async () => {
    for (const headers of [{}, { 'x-forwarded-proto': 'https' }] as Record<string, string>[]) {
      for (const path of ['/login', '/api/health']) {
        const res = await fetch(`${baseURL()}${path}`, { headers })
        expect(res.headers.get('strict-transport-security'), `${path} ${JSON.stringify(headers)}`).toBeNull()
      }
    }
  })
})

describe('security headers behind a trusted proxy, with attachments on S3', () => {
  const S3_HOST = 'storage.example.test'
  let stack: TestStack
  let f: ProjectFixture
  beforeAll(async () => {
    stack = await startTestStack(dbMode(), {
      TRUST_PROXY: 'true',
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'sb-csp',
      S3_ENDPOINT: `https://${S3_HOST}/storage/v1/s3`,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'test-key',
      S3_SECRET_ACCESS_KEY: 'test-secret'
    })
    f = await createProjectFixture(stack.app.baseURL, await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password))
  })
  afterAll(async () => {
    await stack?.teardown()
  })

  it('sends HSTS on pages and API answers once the trusted proxy says the request came over https', async () => {
    for (const path of ['/login', '/api/health']) {
      const secure = await fetch(`${stack.app.baseURL}${path}`, { headers: { 'x-forwarded-proto': 'https' } })
      expect(secure.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/)
      expectBaseHeaders(secure.headers)
      const plain = await fetch(`${stack.app.baseURL}${path}`, { headers: { 'x-forwarded-proto': 'http' } })
      expect(plain.headers.get('strict-transport-security')).toBeNull()
    }
  })

  it('lets the browser upload to and show images from the storage origin a presigned URL points at, and no other', async () => {
    const conversation = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, {
      title: 'CSP', kind: 'support', participantIds: [f.client.user.id]
    })).body.conversation
    const created = await f.client.api.post(`/conversations/${conversation.id}/files`, { fileName: 'a.png', size: 10, mimeType: 'image/png' })
    expect(created.status).toBe(201)
    const uploadOrigin = new URL(created.body.upload.url).origin
    expect(uploadOrigin).toBe(`https://${S3_HOST}`)

    const csp = directives((await fetch(`${stack.app.baseURL}/login`)).headers.get('content-security-policy'))
    expect(csp.get('connect-src')).toEqual(['\'self\'', uploadOrigin])
    expect(csp.get('img-src')).toContain(uploadOrigin)
    expect(csp.get('script-src')).not.toContain(uploadOrigin)
  })
})
