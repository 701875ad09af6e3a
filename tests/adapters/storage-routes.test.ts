import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { request } from 'node:http'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStorageUrlSigner } from '../../server/adapters/storage/url-signer'
import type { StorageUrlSigner } from '../../server/adapters/storage/url-signer'
import { startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'
import { waitUntil } from './helpers'

// The /storage routes of the built app (`npx nuxt build` first; scripts/test-all.sh does). URLs are signed
// here with the app's AUTH_SECRET, exactly as the files API will sign them.
const built = existsSync(resolve(process.env.SB_BUILD_DIR ? `${process.env.SB_BUILD_DIR}/.output` : '.output', 'server/index.mjs'))

let stack: TestStack
let signer: StorageUrlSigner
beforeAll(async () => {
  if (!built) throw new Error('storage route tests need a build: run `npx nuxt build` first')
  stack = await startTestStack('pglite')
  signer = createStorageUrlSigner({ secret: stack.app.env.AUTH_SECRET!, baseUrl: stack.app.baseURL })
}, 90_000)
afterAll(async () => {
  await stack?.teardown()
})

const upload = (key: string, maxBytes = 1024, contentType = 'text/plain') =>
  signer.uploadUrl(key, { contentType, maxBytes, expiresInSeconds: 60 })

/** A chunked PUT (no Content-Length), so the limit can only be enforced while the body streams. */
function putChunked(url: string, contentType: string, chunks: Buffer[]): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'Content-Type': contentType, 'Transfer-Encoding': 'chunked' } }, (res) => {
      let body = ''
      res.on('data', (d) => {
        body += d
      })
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    // The server may close the connection as soon as it has answered 413; only the answer matters.
    req.on('error', reject)
    const write = (i: number) => {
      if (i === chunks.length) return req.end()
      req.write(chunks[i], () => setImmediate(() => write(i + 1)))
    }
    write(0)
  })
}

describe('storage routes', () => {
  it('accepts a signed upload and serves it back as a safe attachment', async () => {
    const key = 'route-tests/round-trip'
    const signed = upload(key)
    const put = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: 'hello from a client' })
    expect(put.status).toBe(200)
    expect(await put.json()).toMatchObject({ key, size: 19 })

    const download = signer.downloadUrl(key, { fileName: 'hello <script>.html', expiresInSeconds: 60 })
    const res = await fetch(download.url)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('hello from a client')
    expect(res.headers.get('content-type')).toBe('text/plain')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="hello <script>.html"; filename\*=UTF-8''/)
  })

  it('refuses a second upload to the same key', async () => {
    const signed = upload('route-tests/once')
    expect((await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: 'a' })).status).toBe(200)
    const again = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: 'b' })
    expect(again.status).toBe(409)
    expect((await again.json()).data.code).toBe('conflict')
  })

  it('answers 403 in the contract shape for a tampered or expired URL', async () => {
    const signed = upload('route-tests/tampered', 10)
    const tampered = new URL(signed.url)
    tampered.searchParams.set('max', '1000000')
    const res = await fetch(tampered, { method: 'PUT', headers: signed.headers, body: 'x' })
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ statusCode: 403, data: { code: 'forbidden' } })

    const past = createStorageUrlSigner({ secret: stack.app.env.AUTH_SECRET!, baseUrl: stack.app.baseURL, now: () => Date.now() - 3_600_000 })
    const expired = past.downloadUrl('route-tests/round-trip', { fileName: 'x', expiresInSeconds: 60 })
    const gone = await fetch(expired.url)
    expect(gone.status).toBe(403)
    expect((await gone.json()).data.code).toBe('forbidden')
  })

  it('refuses a declared body over the limit with 413 and a wrong content type with 415', async () => {
    const signed = upload('route-tests/declared', 10)
    const big = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: 'x'.repeat(11) })
    expect(big.status).toBe(413)
    expect((await big.json()).data.code).toBe('payload_too_large')
    const wrongType = await fetch(signed.url, { method: 'PUT', headers: { 'Content-Type': 'text/html' }, body: 'x' })
    expect(wrongType.status).toBe(415)
  })

  it('stops a chunked body at the limit, answers 413 and keeps no partial file', async () => {
    const key = 'route-tests/streamed'
    const signed = upload(key, 4096)
    const res = await putChunked(signed.url, 'text/plain', Array.from({ length: 8 }, () => Buffer.alloc(1024, 97)))
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body).data.code).toBe('payload_too_large')
    const download = await fetch(signer.downloadUrl(key, { fileName: 'x', expiresInSeconds: 60 }).url)
    expect(download.status).toBe(404)
  })

  it('cleans up after a client that aborts mid-upload', async () => {
    const key = 'route-tests/aborted'
    const signed = upload(key, 1 << 20)
    const tmp = join(stack.app.env.DATA_DIR!, 'storage', 'tmp')
    const req = request(signed.url, { method: 'PUT', headers: { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' } })
    req.on('error', () => {})
    req.write(Buffer.alloc(1024, 97))
    // The temp file appearing means the server is streaming this body; then the client goes away.
    await waitUntil(async () => (await readdir(tmp).catch(() => [])).length > 0, 'the upload to start')
    req.destroy()
    await waitUntil(async () => (await readdir(tmp)).length === 0, 'the partial upload to be removed')
    expect((await fetch(signer.downloadUrl(key, { fileName: 'x', expiresInSeconds: 60 }).url)).status).toBe(404)
  })

  it('answers 404 for keys that try to leave the storage folder', async () => {
    // Raw request paths: fetch would normalise the dot segments away before they reach the server.
    const raw = (method: string, path: string) => new Promise<number>((resolve, reject) => {
      const req = request(`${stack.app.baseURL}/`, { method, path, headers: { 'Content-Type': 'text/plain' } }, (res) => {
        res.resume()
        resolve(res.statusCode!)
      })
      req.on('error', reject)
      req.end(method === 'PUT' ? 'x' : undefined)
    })
    const query = '?exp=9999999999&name=x&sig=x'
    for (const path of ['/storage/download/../../auth-secret', '/storage/download/..%2F..%2Fauth-secret', '/storage/download/%2e%2e/%2e%2e/auth-secret', '/storage/download/a/%2e%2e/b']) {
      expect(await raw('GET', path + query), path).toBe(404)
    }
    for (const path of ['/storage/upload/.hidden', '/storage/upload/..%2Fescape', '/storage/upload/a%5Cb']) {
      expect(await raw('PUT', path + query), path).toBe(404)
    }
  })
})
