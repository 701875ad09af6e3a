import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { apiError, conflict, notFound } from '../../platform/errors'
import type { ObjectStorage, StoredObject } from './storage'
import type { StorageUrlSigner } from './url-signer'

interface Meta { size: number, sha256: string, contentType: string }

export interface LocalDiskOptions {
  root: string
  signer: StorageUrlSigner
  requireKey: (key: string) => string
  uploadTtlSeconds?: number
  downloadTtlSeconds?: number
}

// A file where a folder is needed (key "a" then "a/b") or the reverse: the key is taken, as S3 would not say.
const PATH_CLASH = new Set(['EEXIST', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY', 'ERR_FS_EISDIR'])
const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code ?? ''

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * Objects as plain files under `<root>/objects/<key>`, with size, SHA-256 and content type in `<root>/meta/<key>`.
 * A body is streamed to `<root>/tmp` and moved into place only when complete, so a refused or broken upload
 * never shows up under its key. Signed URLs point at this app's /storage routes.
 */
export function createLocalDiskStorage(options: LocalDiskOptions): ObjectStorage {
  const root = resolve(options.root)
  const objectsDir = join(root, 'objects')
  const metaDir = join(root, 'meta')
  const tmpDir = join(root, 'tmp')

  function pathIn(dir: string, key: string): string {
    const file = resolve(dir, options.requireKey(key))
    // Key validation already rules out traversal; this keeps the disk safe even if that rule is ever loosened.
    if (!file.startsWith(dir + sep)) throw apiError('validation_failed', 'Invalid storage key')
    return file
  }

  async function writeMeta(key: string, meta: Meta) {
    const file = pathIn(metaDir, key)
    const tmp = join(tmpDir, `${randomUUID()}.meta`)
    await writeFile(tmp, JSON.stringify(meta), { mode: 0o600 })
    await mkdir(dirname(file), { recursive: true })
    await rename(tmp, file)
  }

  async function readMeta(key: string): Promise<Partial<Meta> | undefined> {
    try {
      return JSON.parse(await readFile(pathIn(metaDir, key), 'utf8')) as Partial<Meta>
    } catch {
      return undefined
    }
  }

  return {
    provider: 'local',

    /** Streams the body to disk, hashing as it goes. A caller's stream is destroyed if the put fails. */
    async put(key, body, putOptions = {}) {
      const target = pathIn(objectsDir, key)
      const limit = putOptions.maxBytes ?? Number.POSITIVE_INFINITY
      const contentType = putOptions.contentType?.toLowerCase() || 'application/octet-stream'
      const hash = createHash('sha256')
      let size = 0
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length
          if (size > limit) return done(apiError('payload_too_large', `The body is larger than ${limit} bytes`, { maxBytes: limit }))
          hash.update(chunk)
          done(null, chunk)
        }
      })
      await mkdir(tmpDir, { recursive: true })
      const tmp = join(tmpDir, randomUUID())
      try {
        await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, meter, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }))
        await mkdir(dirname(target), { recursive: true })
        // link() fails if the key exists, atomically: two racing uploads cannot both win.
        if (putOptions.overwrite === false) await link(tmp, target)
        else await rename(tmp, target)
      } catch (error) {
        if (PATH_CLASH.has(errorCode(error))) throw conflict('An object already exists under this key')
        throw error
      } finally {
        await rm(tmp, { force: true })
      }
      const sha256 = hash.digest('hex')
      await writeMeta(key, { size, sha256, contentType })
      return { size, sha256 }
    },

    async get(key) {
      const file = pathIn(objectsDir, key)
      const info = await stat(file).catch(() => undefined)
      if (!info?.isFile()) throw notFound('No such object')
      return createReadStream(file)
    },

    async stat(key): Promise<StoredObject | undefined> {
      const file = pathIn(objectsDir, key)
      const info = await stat(file).catch(() => undefined)
      if (!info?.isFile()) return undefined
      let meta = await readMeta(key)
      // Missing or stale metadata (a crash between the move and the metadata write) is rebuilt from the bytes.
      if (!meta?.sha256 || meta.size !== info.size) {
        meta = { size: info.size, sha256: await hashFile(file), contentType: meta?.contentType ?? 'application/octet-stream' }
        await mkdir(tmpDir, { recursive: true })
        await writeMeta(key, meta as Meta)
      }
      return { size: info.size, sha256: meta.sha256!, contentType: meta.contentType ?? 'application/octet-stream', updatedAt: info.mtime }
    },

    async delete(key) {
      for (const file of [pathIn(objectsDir, key), pathIn(metaDir, key)]) {
        await rm(file, { force: true }).catch((error) => {
          if (!PATH_CLASH.has(errorCode(error))) throw error
        })
      }
    },

    async move(from, to) {
      const source = pathIn(objectsDir, from)
      const target = pathIn(objectsDir, to)
      const meta = await readMeta(from)
      await mkdir(dirname(target), { recursive: true })
      await rename(source, target).catch((error) => {
        if (errorCode(error) === 'ENOENT') throw notFound('No such object')
        throw error
      })
      if (meta?.sha256 && meta.size !== undefined) {
        await mkdir(tmpDir, { recursive: true })
        await writeMeta(to, { size: meta.size, sha256: meta.sha256, contentType: meta.contentType ?? 'application/octet-stream' })
      }
      await rm(pathIn(metaDir, from), { force: true })
    },

    async signedUploadUrl(key, o) {
      return options.signer.uploadUrl(options.requireKey(key), { ...o, expiresInSeconds: o.expiresInSeconds ?? options.uploadTtlSeconds ?? 600 })
    },

    async signedDownloadUrl(key, o) {
      return options.signer.downloadUrl(options.requireKey(key), { ...o, expiresInSeconds: o.expiresInSeconds ?? options.downloadTtlSeconds ?? 300 })
    }
  }
}
