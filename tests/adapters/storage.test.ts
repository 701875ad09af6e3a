import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ObjectStorage } from '../../server/adapters/storage/storage'
import { buildContentDisposition } from '../../server/adapters/storage/storage'
import { createObjectStorage, createS3ObjectStorage } from '../../server/adapters/storage/use-storage'
import { createStorageUrlSigner } from '../../server/adapters/storage/url-signer'
import { startS3Server } from '../helpers/s3-server'
import type { TestS3 } from '../helpers/s3-server'

const secret = randomBytes(32).toString('hex')
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter(e => e.isFile()).map(e => join(e.parentPath, e.name).slice(dir.length + 1)).sort()
}

function chunks(count: number, size: number): Readable {
  return Readable.from((function* () {
    for (let i = 0; i < count; i++) yield Buffer.alloc(size, i % 256)
  })())
}

/** One store per test, and what is left in it (local disk: every file under the root; S3: the bucket's keys). */
interface Fixture { storage: ObjectStorage, leftovers: () => Promise<string[]>, cleanup: () => Promise<void> }
interface Driver {
  name: string
  /** stat() reports the SHA-256 (local disk keeps it; S3 leaves it to the file scanner). */
  statHasSha256: boolean
  start?: () => Promise<void>
  stop?: () => Promise<void>
  fresh: () => Promise<Fixture>
}

let s3: TestS3 | undefined
const drivers: Driver[] = [
  {
    name: 'local disk',
    statHasSha256: true,
    async fresh() {
      const parent = await mkdtemp(join(tmpdir(), 'sb-storage-'))
      const storage = createObjectStorage({ root: join(parent, 'storage'), signer: createStorageUrlSigner({ secret }) })
      return { storage, leftovers: () => listFiles(parent), cleanup: () => rm(parent, { recursive: true, force: true }) }
    }
  },
  {
    name: 'S3 (s3rver)',
    statHasSha256: false,
    async start() {
      s3 = await startS3Server()
    },
    async stop() {
      await s3?.close()
    },
    async fresh() {
      const server = s3!
      const bucket = await server.createBucket()
      const storage = createS3ObjectStorage({
        bucket, region: server.region, endpoint: server.endpoint, forcePathStyle: true,
        credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey }
      })
      return { storage, leftovers: () => server.listKeys(bucket), cleanup: async () => {} }
    }
  }
]

describe.each(drivers)('$name storage', (driver) => {
  let storage: ObjectStorage
  let fixture: Fixture
  beforeAll(async () => {
    await driver.start?.()
  })
  afterAll(async () => {
    await driver.stop?.()
  })
  beforeEach(async () => {
    fixture = await driver.fresh()
    storage = fixture.storage
  })
  afterEach(async () => {
    await fixture.cleanup()
  })
  const storedSha = (hex: string) => (driver.statHasSha256 ? hex : undefined)

  it('stores a buffer and returns the same bytes with their size and sha256', async () => {
    const body = Buffer.from('hello, switchboard')
    const put = await storage.put('conversations/c1/f1', body, { contentType: 'text/plain' })
    expect(put).toEqual({ size: body.length, sha256: sha256(body) })
    expect(await text(await storage.get('conversations/c1/f1'))).toBe('hello, switchboard')
    const info = await storage.stat('conversations/c1/f1')
    expect(info).toMatchObject({ size: body.length, contentType: 'text/plain' })
    expect(info!.sha256).toBe(storedSha(sha256(body)))
    expect(info!.updatedAt).toBeInstanceOf(Date)
  })

  it('streams a large body and hashes it on the way', async () => {
    const put = await storage.put('big', chunks(64, 64 * 1024))
    const expected = createHash('sha256')
    for (let i = 0; i < 64; i++) expected.update(Buffer.alloc(64 * 1024, i))
    expect(put).toEqual({ size: 64 * 64 * 1024, sha256: expected.digest('hex') })
    expect(await storage.stat('big')).toMatchObject({ size: 64 * 64 * 1024, contentType: 'application/octet-stream' })
  })

  it('refuses a body over maxBytes while streaming and keeps nothing', async () => {
    const body = chunks(10, 1024)
    const error = await storage.put('too-big', body, { maxBytes: 4096 }).catch(e => e)
    expect(error).toMatchObject({ statusCode: 413, data: { code: 'payload_too_large' } })
    expect(body.destroyed).toBe(true)
    expect(await storage.stat('too-big')).toBeUndefined()
    expect(await fixture.leftovers()).toEqual([])
  })

  it('refuses a buffer over maxBytes', async () => {
    await expect(storage.put('too-big', Buffer.alloc(4097), { maxBytes: 4096 })).rejects.toMatchObject({ statusCode: 413 })
    expect(await fixture.leftovers()).toEqual([])
  })

  it('accepts a body of exactly maxBytes', async () => {
    expect((await storage.put('exact', chunks(4, 1024), { maxBytes: 4096 })).size).toBe(4096)
  })

  it('will not replace an object when overwrite is false', async () => {
    await storage.put('once', Buffer.from('first'), { overwrite: false })
    const error = await storage.put('once', Buffer.from('second'), { overwrite: false }).catch(e => e)
    expect(error).toMatchObject({ statusCode: 409, data: { code: 'conflict' } })
    await expect(storage.put('once', chunks(2, 10), { overwrite: false })).rejects.toMatchObject({ statusCode: 409 })
    expect(await text(await storage.get('once'))).toBe('first')
    await storage.put('once', Buffer.from('third'))
    expect(await text(await storage.get('once'))).toBe('third')
    expect((await storage.stat('once'))!.sha256).toBe(storedSha(sha256('third')))
  })

  it('deletes idempotently and answers 404 for a missing object', async () => {
    await storage.put('gone', Buffer.from('x'))
    await storage.delete('gone')
    await storage.delete('gone')
    await storage.delete('never-there')
    expect(await storage.stat('gone')).toBeUndefined()
    await expect(storage.get('gone')).rejects.toMatchObject({ statusCode: 404, data: { code: 'not_found' }, message: 'No such object' })
    expect(await fixture.leftovers()).toEqual([])
  })

  it('moves an object to another key with its bytes and type; the old key is gone; missing → 404', async () => {
    await storage.put('p/c/f.upload', Buffer.from('checked bytes'), { contentType: 'text/plain' })
    await storage.move('p/c/f.upload', 'p/c/f')
    expect(await storage.stat('p/c/f.upload')).toBeUndefined()
    expect(await text(await storage.get('p/c/f'))).toBe('checked bytes')
    expect(await storage.stat('p/c/f')).toMatchObject({ size: 13, contentType: 'text/plain' })
    expect((await storage.stat('p/c/f'))!.sha256).toBe(storedSha(sha256('checked bytes')))
    await expect(storage.move('p/c/f.upload', 'p/c/g')).rejects.toMatchObject({ statusCode: 404, data: { code: 'not_found' } })
    // A later put to the old key leaves the moved object alone.
    await storage.put('p/c/f.upload', Buffer.from('swapped'), { overwrite: false })
    expect(await text(await storage.get('p/c/f'))).toBe('checked bytes')
    await expect(storage.move('../x', 'p/c/h')).rejects.toMatchObject({ statusCode: 422 })
  })

  const badKeys = ['../escape', 'a/../../escape', '/etc/passwd', 'a//b', '.hidden', 'a/./b', 'a/..', 'a\\b', '%2e%2e/x', '', 'a/', 'a b', 'é', 'x'.repeat(513)]
  it.each(badKeys)('refuses the key %j in every operation', async (key) => {
    for (const attempt of [
      () => storage.put(key, Buffer.from('x')),
      () => storage.get(key),
      () => storage.stat(key),
      () => storage.delete(key),
      () => storage.signedUploadUrl(key, { contentType: 'text/plain', maxBytes: 10 }),
      () => storage.signedDownloadUrl(key, { fileName: 'x' })
    ]) await expect(attempt()).rejects.toMatchObject({ statusCode: 422, data: { code: 'validation_failed' } })
    expect(await fixture.leftovers()).toEqual([])
  })

  it('refuses to sign an upload for a malformed content type', async () => {
    await expect(storage.signedUploadUrl('k', { contentType: 'text/plain\nx', maxBytes: 1 })).rejects.toMatchObject({ statusCode: 422 })
  })
})

describe('local disk storage', () => {
  let parent: string
  let storage: ObjectStorage
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'sb-storage-'))
    storage = createObjectStorage({ root: join(parent, 'storage'), signer: createStorageUrlSigner({ secret }) })
  })
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true })
  })

  // S3 keys are flat: there "a" and "a/b" are two unrelated objects (tests/adapters/storage-s3.test.ts).
  it('treats a key that names a folder of other keys as taken, not as an object', async () => {
    await storage.put('a/b', Buffer.from('x'))
    expect(await storage.stat('a')).toBeUndefined()
    await expect(storage.put('a', Buffer.from('y'))).rejects.toMatchObject({ statusCode: 409 })
    await expect(storage.put('a/b/c', Buffer.from('y'))).rejects.toMatchObject({ statusCode: 409 })
  })
})

describe('signed storage URLs', () => {
  const t0 = Date.parse('2030-01-01T00:00:00Z')
  const at = (ms: number) => createStorageUrlSigner({ secret, baseUrl: 'https://chat.example/', now: () => ms })
  const parse = (url: string) => {
    const u = new URL(url)
    return { path: u.pathname, query: Object.fromEntries(u.searchParams) }
  }

  it('signs an upload URL that verifies until it expires', () => {
    const signed = at(t0).uploadUrl('conversations/c1/f1', { contentType: 'image/PNG', maxBytes: 1000, expiresInSeconds: 600 })
    expect(signed.method).toBe('PUT')
    expect(signed.headers).toEqual({ 'Content-Type': 'image/png' })
    expect(signed.expiresAt.getTime()).toBe(t0 + 600_000)
    const { path, query } = parse(signed.url)
    expect(path).toBe('/storage/upload/conversations/c1/f1')
    expect(at(t0 + 600_000).verifyUpload('conversations/c1/f1', query)).toMatchObject({ contentType: 'image/png', maxBytes: 1000 })
    expect(() => at(t0 + 601_000).verifyUpload('conversations/c1/f1', query)).toThrow(/expired/)
  })

  it('refuses an upload URL with any signed field changed', () => {
    const { query } = parse(at(t0).uploadUrl('k1', { contentType: 'image/png', maxBytes: 1000, expiresInSeconds: 600 }).url)
    const verify = (key: string, q: Record<string, string>) => () => at(t0).verifyUpload(key, q)
    const forbidden = { statusCode: 403, data: { code: 'forbidden' } }
    expect(verify('k1', query)).not.toThrow()
    for (const tampered of [
      { ...query, max: '1000000' },
      { ...query, ct: 'text/html' },
      { ...query, exp: String(Number(query.exp) + 3600) },
      { ...query, sig: query.sig!.slice(0, -2) + (query.sig!.endsWith('AA') ? 'BB' : 'AA') },
      { ...query, sig: '' },
      { ...query, sig: undefined as unknown as string }
    ]) expect(verify('k1', tampered)).toThrow(expect.objectContaining(forbidden))
    expect(verify('k2', query)).toThrow(expect.objectContaining(forbidden))
    expect(() => createStorageUrlSigner({ secret: 'another-secret-another-secret-12', now: () => t0 }).verifyUpload('k1', query))
      .toThrow(expect.objectContaining(forbidden))
  })

  it('does not accept an upload signature as a download signature', () => {
    const { query } = parse(at(t0).uploadUrl('k1', { contentType: 'image/png', maxBytes: 1000, expiresInSeconds: 600 }).url)
    expect(() => at(t0).verifyDownload('k1', { exp: query.exp, name: '', sig: query.sig })).toThrow(/signature/)
  })

  it('signs a download URL bound to its file name', () => {
    const signed = at(t0).downloadUrl('k1', { fileName: 'report "final".pdf', expiresInSeconds: 300 })
    const { path, query } = parse(signed.url)
    expect(path).toBe('/storage/download/k1')
    expect(signed.expiresAt.getTime()).toBe(t0 + 300_000)
    expect(at(t0).verifyDownload('k1', query).fileName).toBe('report "final".pdf')
    expect(() => at(t0).verifyDownload('k1', { ...query, name: 'evil.html' })).toThrow(/signature/)
    expect(() => at(t0 + 301_000).verifyDownload('k1', query)).toThrow(/expired/)
  })

  it('uses the configured TTLs when the caller gives none', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'sb-storage-'))
    try {
      const storage = createObjectStorage({ root: parent, signer: at(t0), uploadTtlSeconds: 60, downloadTtlSeconds: 30 })
      expect((await storage.signedUploadUrl('k', { contentType: 'text/plain', maxBytes: 1 })).expiresAt.getTime()).toBe(t0 + 60_000)
      expect((await storage.signedDownloadUrl('k', { fileName: 'k.txt' })).expiresAt.getTime()).toBe(t0 + 30_000)
    } finally {
      await rm(parent, { recursive: true, force: true })
    }
  })

  it('refuses to sign an upload for a malformed content type', () => {
    expect(() => at(t0).uploadUrl('k', { contentType: 'text/plain\nx', maxBytes: 1, expiresInSeconds: 1 })).toThrow(/content type/i)
  })
})

describe('download file names', () => {
  it('quotes an ASCII name and adds the UTF-8 form', () => {
    expect(buildContentDisposition('notes.txt')).toBe('attachment; filename="notes.txt"; filename*=UTF-8\'\'notes.txt')
  })
  it('neutralises quotes, separators, controls and bidi overrides', () => {
    const header = buildContentDisposition('../a"b\r\nSet-Cookie: x;\u202Efdp.exe')
    expect(header).not.toMatch(/[\r\n]/)
    expect(header).not.toContain('\u202E')
    expect(header.split('filename*=')[0]).toBe('attachment; filename="_a_b__Set-Cookie: x__fdp.exe"; ')
  })
  it('keeps non-ASCII names in filename* only', () => {
    expect(buildContentDisposition('résumé (1).pdf')).toBe('attachment; filename="r_sum_ (1).pdf"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9%20%281%29.pdf')
  })
  it('never produces an empty name', () => {
    expect(buildContentDisposition('...')).toContain('filename="download"')
  })
})
