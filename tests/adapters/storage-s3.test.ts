import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { buffer, text } from 'node:stream/consumers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { S3StorageOptions } from '../../server/adapters/storage/s3'
import { buildContentDisposition } from '../../server/adapters/storage/storage'
import type { ObjectStorage, SignedUpload } from '../../server/adapters/storage/storage'
import { createS3ObjectStorage } from '../../server/adapters/storage/use-storage'
import { freePort } from '../helpers/app-process'
import { startS3Server } from '../helpers/s3-server'
import type { TestS3 } from '../helpers/s3-server'

// What s3rver 3.7.1 enforces, read from its source (lib/middleware/authentication.js) and checked below:
// - enforced: X-Amz-Expires (expired presigned URLs get 403 AccessDenied), a known access key id, the
//   response-* overrides on signed GETs (Content-Disposition, Content-Type, Cache-Control).
// - not enforced: the V4 signature itself ("Signature version 4 calculation is unimplemented"), so a changed
//   path, method, expiry, Content-Type or Content-Length all pass; unsigned requests are served too; and
//   If-None-Match on PUT is ignored (a second PUT replaces the object, where S3, R2 and MinIO answer 412).
// The signature tests therefore run against tests/helpers/s3-server.ts's front, which recomputes SigV4 from
// the AWS spec as S3 does; the If-None-Match guarantee cannot be tested here at all.

let s3: TestS3
beforeAll(async () => {
  s3 = await startS3Server()
})
afterAll(async () => {
  await s3?.close()
})

function storageOn(bucket: string, extra: Partial<Omit<S3StorageOptions, 'requireKey'>> = {}): ObjectStorage {
  return createS3ObjectStorage({
    bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    ...extra
  })
}

async function fresh(extra: Partial<Omit<S3StorageOptions, 'requireKey'>> = {}) {
  const bucket = await s3.createBucket()
  return { bucket, storage: storageOn(bucket, extra) }
}

const put = (signed: SignedUpload, body: string, headers: Record<string, string> = signed.headers, url = signed.url) =>
  fetch(url, { method: 'PUT', headers, body })
const withQuery = (url: string, name: string, value: (old: string) => string) => {
  const u = new URL(url)
  u.searchParams.set(name, value(u.searchParams.get(name)!))
  return u.toString()
}
const errorCode = async (res: Response) => /<Code>([^<]+)<\/Code>/.exec(await res.text())?.[1]

describe('S3 presigned uploads', () => {
  it('accept a PUT that sends exactly the signed headers', async () => {
    const { bucket, storage } = await fresh()
    const body = 'hello from a browser'
    const signed = await storage.signedUploadUrl('conversations/c1/f1', { contentType: 'Text/Plain', maxBytes: body.length })
    expect(signed.method).toBe('PUT')
    expect(signed.headers).toEqual({ 'Content-Type': 'text/plain', 'Content-Length': String(body.length), 'If-None-Match': '*' })
    expect(new URL(signed.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host;if-none-match')
    // No SDK checksum of the empty body rides along in the URL (S3 would refuse the real body with BadDigest).
    expect(signed.url).not.toMatch(/x-amz-checksum|x-amz-sdk-checksum/i)
    const res = await put(signed, body)
    expect(res.status).toBe(200)
    const info = await storage.stat('conversations/c1/f1')
    expect(info).toMatchObject({ size: body.length, contentType: 'text/plain' })
    expect(info!.sha256).toBeUndefined()
    expect(await s3.listKeys(bucket)).toEqual(['conversations/c1/f1'])
  })

  it('refuse a PUT whose path, query, method, headers or body length differ from what was signed', async () => {
    const { bucket, storage } = await fresh()
    const signed = await storage.signedUploadUrl('uploads/one', { contentType: 'image/png', maxBytes: 5 })
    const download = await storage.signedDownloadUrl('uploads/one', { fileName: 'one.png' })
    const flip = (sig: string) => (sig.startsWith('0') ? '1' : '0') + sig.slice(1)
    const attempts: [string, () => Promise<Response>][] = [
      ['another key', () => put(signed, 'hello', signed.headers, signed.url.replace('/uploads/one?', '/uploads/two?'))],
      ['a longer expiry', () => put(signed, 'hello', signed.headers, withQuery(signed.url, 'X-Amz-Expires', () => '604800'))],
      ['another signing date', () => put(signed, 'hello', signed.headers, withQuery(signed.url, 'X-Amz-Date', d => d.replace(/\d\dZ$/, s => (s === '00Z' ? '01Z' : '00Z'))))],
      ['a changed signature', () => put(signed, 'hello', signed.headers, withQuery(signed.url, 'X-Amz-Signature', flip))],
      ['another content type', () => put(signed, 'hello', { ...signed.headers, 'Content-Type': 'text/html' })],
      ['no If-None-Match', () => put(signed, 'hello', { 'Content-Type': 'image/png' })],
      ['a shorter body', () => put(signed, 'hell', { 'Content-Type': 'image/png', 'If-None-Match': '*' })],
      ['a longer body', () => put(signed, 'hello world', { 'Content-Type': 'image/png', 'If-None-Match': '*' })],
      ['GET on the upload URL', () => fetch(signed.url)],
      ['PUT on the download URL', () => fetch(download.url, { method: 'PUT', headers: signed.headers, body: 'hello' })]
    ]
    for (const [what, attempt] of attempts) {
      const res = await attempt()
      expect({ what, status: res.status, code: await errorCode(res) }).toEqual({ what, status: 403, code: 'SignatureDoesNotMatch' })
    }
    expect(await s3.listKeys(bucket)).toEqual([])
    expect((await put(signed, 'hello')).status).toBe(200)
  })

  it('are refused by s3rver itself once expired', async () => {
    const { bucket, storage } = await fresh({ now: () => Date.now() - 3_600_000 })
    const signed = await storage.signedUploadUrl('late', { contentType: 'text/plain', maxBytes: 5, expiresInSeconds: 60 })
    expect(signed.expiresAt.getTime()).toBeLessThan(Date.now())
    for (const url of [signed.url, signed.url.replace(s3.endpoint, s3.rawEndpoint)]) {
      const res = await put(signed, 'hello', signed.headers, url)
      expect({ status: res.status, code: await errorCode(res) }).toEqual({ status: 403, code: 'AccessDenied' })
    }
    expect(await s3.listKeys(bucket)).toEqual([])
  })

  it('use the configured lifetimes when the caller gives none', async () => {
    const t0 = Math.floor(Date.now() / 1000) * 1000
    const { storage } = await fresh({ now: () => t0, uploadTtlSeconds: 60, downloadTtlSeconds: 30 })
    const upload = await storage.signedUploadUrl('k', { contentType: 'text/plain', maxBytes: 1 })
    const download = await storage.signedDownloadUrl('k', { fileName: 'k.txt' })
    expect(upload.expiresAt.getTime()).toBe(t0 + 60_000)
    expect(new URL(upload.url).searchParams.get('X-Amz-Expires')).toBe('60')
    expect(download.expiresAt.getTime()).toBe(t0 + 30_000)
    const defaults = storageOn(s3.bucket, { now: () => t0 })
    expect((await defaults.signedUploadUrl('k', { contentType: 'text/plain', maxBytes: 1 })).expiresAt.getTime()).toBe(t0 + 600_000)
    expect((await defaults.signedDownloadUrl('k', { fileName: 'k' })).expiresAt.getTime()).toBe(t0 + 300_000)
  })

  it('are not checked by s3rver alone: a tampered upload goes through (why the tests sign-check in front of it)', async () => {
    const { bucket, storage } = await fresh()
    const signed = await storage.signedUploadUrl('raw', { contentType: 'image/png', maxBytes: 5 })
    const raw = signed.url.replace(s3.endpoint, s3.rawEndpoint)
    const res = await put(signed, '<script>x</script>', { 'Content-Type': 'text/html' }, raw)
    expect(res.status).toBe(200)
    expect(await s3.listKeys(bucket)).toEqual(['raw'])
  })
})

describe('S3 presigned downloads', () => {
  it('serve the bytes as an attachment with the given type and no caching', async () => {
    const { storage } = await fresh()
    await storage.put('files/r1', Buffer.from('%PDF-1.7 ...'), { contentType: 'application/pdf' })
    const fileName = 'résumé "final" (1).pdf'
    const signed = await storage.signedDownloadUrl('files/r1', { fileName, contentType: 'application/pdf' })
    const res = await fetch(signed.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe(buildContentDisposition(fileName))
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="r_sum_ _final_ \(1\)\.pdf"; filename\*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%20%281%29\.pdf$/)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    expect(await res.text()).toBe('%PDF-1.7 ...')
  })

  it('claim application/octet-stream unless told otherwise, whatever the object was stored as', async () => {
    const { storage } = await fresh()
    await storage.put('page', Buffer.from('<script>alert(1)</script>'), { contentType: 'text/html' })
    for (const contentType of [undefined, 'text/html\r\nX-Evil: 1']) {
      const res = await fetch((await storage.signedDownloadUrl('page', { fileName: 'page.html', contentType })).url)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/octet-stream')
      expect(res.headers.get('x-evil')).toBeNull()
    }
  })

  it('are refused once expired, and for a changed file name', async () => {
    const { storage } = await fresh({ now: () => Date.now() - 3_600_000 })
    await storage.put('old', Buffer.from('x'))
    const expired = await fetch((await storage.signedDownloadUrl('old', { fileName: 'old.txt', expiresInSeconds: 60 })).url)
    expect({ status: expired.status, code: await errorCode(expired) }).toEqual({ status: 403, code: 'AccessDenied' })
    const { storage: current } = await fresh()
    const signed = await current.signedDownloadUrl('old', { fileName: 'old.txt' })
    const renamed = await fetch(withQuery(signed.url, 'response-content-disposition', () => 'inline'))
    expect({ status: renamed.status, code: await errorCode(renamed) }).toEqual({ status: 403, code: 'SignatureDoesNotMatch' })
  })
})

describe('S3 object storage', () => {
  it('streams a body larger than one part as a multipart upload', async () => {
    const { storage } = await fresh()
    const part = Buffer.alloc(1024 * 1024, 7)
    const size = 6 * part.length + 123
    const body = Readable.from((function* () {
      for (let i = 0; i < 6; i++) yield part
      yield Buffer.alloc(123, 1)
    })())
    const stored = await storage.put('big/multipart', body, { contentType: 'application/zip', maxBytes: size })
    const expected = createHash('sha256')
    for (let i = 0; i < 6; i++) expected.update(part)
    expected.update(Buffer.alloc(123, 1))
    expect(stored).toEqual({ size, sha256: expected.digest('hex') })
    expect(await storage.stat('big/multipart')).toMatchObject({ size, contentType: 'application/zip' })
    const bytes = await buffer(await storage.get('big/multipart'))
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(stored.sha256)
  })

  // s3rver has no AbortMultipartUpload (405), so its parts stay on its disk; S3 drops them on the abort (and a
  // bucket lifecycle rule for incomplete multipart uploads catches the ones a crash leaves behind).
  it('stops a multipart upload at maxBytes and keeps nothing', async () => {
    const { bucket, storage } = await fresh()
    const body = Readable.from((function* () {
      for (let i = 0; i < 12; i++) yield Buffer.alloc(1024 * 1024, i)
    })())
    await expect(storage.put('big/refused', body, { maxBytes: 11 * 1024 * 1024 })).rejects.toMatchObject({ statusCode: 413 })
    expect(body.destroyed).toBe(true)
    expect(await s3.listKeys(bucket)).toEqual([])
  })

  it('keeps "a" and "a/b" as two objects (S3 keys are flat)', async () => {
    const { storage } = await fresh()
    await storage.put('a/b', Buffer.from('inner'))
    expect(await storage.stat('a')).toBeUndefined()
    await storage.put('a', Buffer.from('outer'), { overwrite: false })
    expect(await text(await storage.get('a'))).toBe('outer')
    expect(await text(await storage.get('a/b'))).toBe('inner')
  })

  // stat() of a missing bucket is undefined, not 503: HEAD answers carry no body, so S3's 404 cannot say which.
  it('answers 503 without the provider\'s message when the bucket, the keys or the server are wrong', async () => {
    const port = await freePort()
    const broken = [
      storageOn('no-such-bucket-here'),
      createS3ObjectStorage({ bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'WRONG', secretAccessKey: 'x' } }),
      createS3ObjectStorage({ bucket: s3.bucket, region: s3.region, endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
    ]
    for (const storage of broken) {
      const attempts: (() => Promise<unknown>)[] = [() => storage.put('k', Buffer.from('x')), () => storage.put('k', Readable.from([Buffer.from('x')])), () => storage.get('k')]
      if (storage !== broken[0]) attempts.push(() => storage.stat('k'))
      for (const attempt of attempts) {
        const error = await attempt().catch(e => e)
        expect(error).toMatchObject({ statusCode: 503, message: 'Object storage is unavailable', data: { code: 'unavailable' } })
        expect(JSON.stringify(error)).not.toMatch(/bucket does not exist|Access Key|ECONNREFUSED/i)
      }
    }
  })
})
