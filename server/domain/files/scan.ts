import { createHash } from 'node:crypto'
import { Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { and, eq, inArray, lt, ne } from 'drizzle-orm'
import { files } from '../../db/schema'
import type { BlockedReason } from '../../../shared/files'
import { useDb } from '../../adapters/database/use-database'
import { useObjectStorage } from '../../adapters/storage/use-storage'
import { useVirusScanner } from '../../adapters/scanner/use-scanner'
import type { ScanVerdict } from '../../adapters/scanner/scanner'
import { useLogger } from '../../platform/logger'
import { appendAudit } from '../audit/audit'
import { announceFile, enqueueScan, removeStoredObjects, uploadKey } from './files'
import { SAMPLE_BYTES, checkType } from './inspect'
import { makeThumbnail } from './thumbnails'
import { hasThumbnail } from './views'

interface Reading { size: number, sha256: string, sample: Buffer, complete: boolean }

/** Counts, hashes and keeps the first SAMPLE_BYTES of whatever flows through it. */
function createTap() {
  const hash = createHash('sha256')
  const head: Buffer[] = []
  let headBytes = 0
  let size = 0
  let complete = false
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length
      hash.update(chunk)
      if (headBytes < SAMPLE_BYTES) {
        const part = chunk.subarray(0, SAMPLE_BYTES - headBytes)
        head.push(part)
        headBytes += part.length
      }
      done(null, chunk)
    },
    flush(done) {
      complete = true
      done()
    }
  })
  return {
    stream,
    result: (): Reading => ({ size, sha256: complete ? hash.digest('hex') : '', sample: Buffer.concat(head), complete })
  }
}

const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() })

/** One pass over the stored bytes for the size, hash and type sample; clamd reads the same pass when configured. */
async function readAndScan(storageKey: string): Promise<{ reading: Reading, virus?: ScanVerdict }> {
  const storage = useObjectStorage()
  const scanner = useVirusScanner()
  const source = await storage.get(storageKey)
  const tap = createTap()
  let virus: ScanVerdict | undefined
  if (scanner) {
    source.on('error', error => tap.stream.destroy(error))
    virus = await scanner.scan(source.pipe(tap.stream))
  } else {
    await pipeline(source, tap.stream, discard())
  }
  let reading = tap.result()
  if (!reading.complete) {
    // The scanner answered before reading to the end (a hit early in a big file): read again for size and hash.
    source.destroy()
    const again = createTap()
    await pipeline(await storage.get(storageKey), again.stream, discard())
    reading = again.result()
  }
  return { reading, virus }
}

/**
 * The files.scan job: decides pending_scan → available | blocked. Runs once per file across instances (the
 * queue keeps one job per file, and the update only applies while the file is still pending_scan), and is safe
 * to retry: a scanner that is down throws, and the runner tries again with back-off.
 */
export async function scanFile(fileId: string): Promise<void> {
  const db = await useDb()
  const [row] = await db.select().from(files).where(eq(files.id, fileId))
  if (!row || row.status !== 'pending_scan') return
  const scanned = Boolean(useVirusScanner())
  const { reading, virus } = await readAndScan(row.storageKey)

  let blocked: { reason: BlockedReason, detail: string } | undefined
  if (virus && !virus.clean) blocked = { reason: 'infected', detail: virus.signature }
  if (!blocked) {
    const type = await checkType({ declaredType: row.mimeType, declaredSize: row.size, storedSize: reading.size, sample: reading.sample })
    if (!type.ok) blocked = { reason: type.reason, detail: type.detail }
  }
  let thumbnailKey: string | null = null
  if (!blocked && hasThumbnail(row.mimeType)) {
    const preview = await makeThumbnail(() => useObjectStorage().get(row.storageKey))
    if (preview) {
      thumbnailKey = `${row.storageKey}.thumb.webp`
      await useObjectStorage().put(thumbnailKey, preview, { contentType: 'image/webp' })
    }
  }

  const decided = await db.transaction(async (tx) => {
    const [updated] = await tx.update(files).set({
      status: blocked ? 'blocked' : 'available', sha256: reading.sha256, scannedAt: new Date(), virusScanned: scanned,
      blockedReason: blocked?.reason ?? null, scanDetail: blocked?.detail ?? null, thumbnailKey
    }).where(and(eq(files.id, fileId), eq(files.status, 'pending_scan'))).returning()
    if (updated && blocked) {
      await appendAudit(tx, {
        actorId: null, action: 'file.blocked', targetType: 'file', targetId: fileId,
        details: { conversationId: row.conversationId, reason: blocked.reason, detail: blocked.detail, sha256: reading.sha256, virusScanned: scanned }
      })
    }
    return updated
  })
  if (!decided) return
  useLogger().info('file scanned', { fileId, status: decided.status, reason: decided.blockedReason, virusScanned: scanned })
  await announceFile(decided)
}

/**
 * The files.sweep schedule: removes files whose signed upload expired without a complete (and whatever bytes
 * reached the store), and re-enqueues scans left behind by a crash between complete and enqueue or by a
 * scanner that stayed down past the job's retries.
 */
export async function sweepFiles(now = new Date(), options: { graceSeconds?: number, rescanAfterSeconds?: number } = {}) {
  const db = await useDb()
  const expiredBefore = new Date(now.getTime() - (options.graceSeconds ?? 60) * 1000)
  const expired = await db.select({ id: files.id, storageKey: files.storageKey, thumbnailKey: files.thumbnailKey }).from(files)
    .where(and(eq(files.status, 'pending_upload'), lt(files.uploadExpiresAt, expiredBefore))).limit(500)
  for (const row of expired) await removeStoredObjects(row)
  if (expired.length) {
    await db.delete(files).where(and(inArray(files.id, expired.map(r => r.id)), eq(files.status, 'pending_upload')))
  }
  // Completed files whose upload window passed: drop anything a late PUT wrote under the upload key.
  const closed = await db.select({ id: files.id, storageKey: files.storageKey }).from(files)
    .where(and(ne(files.status, 'pending_upload'), lt(files.uploadExpiresAt, expiredBefore))).limit(500)
  for (const row of closed) await useObjectStorage().delete(uploadKey(row.storageKey))
  if (closed.length) await db.update(files).set({ uploadExpiresAt: null }).where(inArray(files.id, closed.map(r => r.id)))
  const stuckBefore = new Date(now.getTime() - (options.rescanAfterSeconds ?? 120) * 1000)
  const stuck = await db.select({ id: files.id }).from(files)
    .where(and(eq(files.status, 'pending_scan'), lt(files.completedAt, stuckBefore))).limit(500)
  for (const row of stuck) await enqueueScan(row.id)
  return { expired: expired.length, rescanned: stuck.length }
}
