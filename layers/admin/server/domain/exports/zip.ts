import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable, Transform } from 'node:stream'
import { ZipFile } from 'yazl'
import { useObjectStorage } from '#server/adapters/storage/use-storage'
import { csvBatch, csvHeader, ndjsonChunks, tally } from './serializers'
import type { ExportHeader } from './serializers'
import { readFileBatches, readMessageBatches } from './reader'
import type { ExportMessage, ExportRange, StoredFile } from './reader'
import type { ExportProgress } from './runs'

interface ManifestEntry { path: string, size: number, sha256: string }
interface SkippedFile { id: string, fileName: string, status: string, reason: 'missing' | 'not_available' }

/** Text chunks as a byte stream that pulls the next chunk only when the consumer wants more. */
export const byteStream = (chunks: AsyncIterable<string> | Iterable<string>) => Readable.from(chunks, { objectMode: false })

/** A pass-through that hashes and counts the bytes of one entry, recording them when the entry ends. */
function measured(path: string, entries: ManifestEntry[], onEnd?: () => void): Transform {
  const hash = createHash('sha256')
  let size = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      size += chunk.length
      done(null, chunk)
    },
    flush(done) {
      entries.push({ path, size, sha256: hash.digest('hex') })
      onEnd?.()
      done()
    }
  })
}

/** Passes batches through while writing them as CSV rows to `file` (header first), honouring its backpressure. */
async function* teeCsv(batches: AsyncIterable<ExportMessage[]>, file: WriteStream): AsyncGenerator<ExportMessage[]> {
  const write = async (text: string) => {
    if (!file.write(text)) await once(file, 'drain')
  }
  try {
    await write(csvHeader())
    for await (const batch of batches) {
      await write(csvBatch(batch))
      yield batch
    }
  } finally {
    file.end()
    if (!file.closed) await once(file, 'close')
  }
}

/** `files/<id>-<name>`, with a name that cannot climb out of files/, hide itself or break `sha256sum -c`. */
export function zipFilePath(file: Pick<StoredFile, 'id' | 'fileName'>): string {
  const name = Array.from(file.fileName.normalize('NFC').replace(/[\p{Cc}\p{Cf}/\\]/gu, '_'))
    .slice(0, 150).join('').replace(/^[.\s]+/, '').trim()
  return `files/${file.id}-${name || 'file'}`
}

/** One conversation inside a bundle: its entries live under `prefix` (empty for a single-conversation export). */
export interface ZipPart {
  prefix: string
  range: ExportRange
  /** Written as `<prefix>conversation.json` when set (project bundles, where the manifest's header is the project). */
  conversation?: ExportHeader['conversation']
}

type Counts = { messages: number, deleted: number, files: number, filesIncluded: number, filesSkipped: number }
const zeroCounts = (): Counts => ({ messages: 0, deleted: 0, files: 0, filesIncluded: 0, filesSkipped: 0 })

/**
 * The verifiable bundle: for each part messages.ndjson, messages.csv and files/…, and, last, manifest.json with
 * the SHA-256 and size of every other entry, measured while it streamed. yazl writes entries one after another
 * and opens a lazy entry only when its turn comes, so the manifest is built after everything it describes.
 * `head` is what the manifest says about the export (the conversation's header, or the project's).
 */
export function zipBundle(head: object, parts: ZipPart[], progress?: ExportProgress): Readable {
  const zip = new ZipFile()
  const out = new PassThrough()
  const entries: ManifestEntry[] = []
  const skippedFiles: SkippedFile[] = []
  const counts = zeroCounts()
  const perPart = parts.map(() => zeroCounts())
  const mtime = new Date()
  const open = new Set<Readable>()

  // yazl joins its streams with pipe(), which forwards no errors: any failure must end the output itself.
  const fail = (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error)))
  zip.on('error', fail)
  // A client that goes away ends the output: stop reading the database and close open files.
  out.once('close', () => {
    open.forEach(s => s.destroy())
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true })
  })
  // The scratch folder for the CSV copies, made when the first part needs it and removed with the output.
  let scratchDir: string | undefined
  const scratch = () => (scratchDir ??= mkdtempSync(join(tmpdir(), 'switchboard-export-')))

  function add(path: string, compress: boolean, source: () => Promise<Readable>, onEnd?: () => void) {
    zip.addReadStreamLazy(path, { mtime, compress }, (cb) => {
      source().then((stream) => {
        open.add(stream)
        stream.once('close', () => open.delete(stream))
        stream.once('error', fail)
        cb(null, stream.pipe(measured(path, entries, onEnd)))
      }, fail)
    })
  }

  const storage = useObjectStorage()
  async function addPart(part: ZipPart, partCounts: Counts, index: number) {
    if (part.conversation) {
      add(`${part.prefix}conversation.json`, true, async () => byteStream([`${JSON.stringify(part.conversation, null, 2)}\n`]))
    }
    // One pass over the messages: the ndjson entry streams into the zip while the same batches are written as CSV
    // to a scratch file, which becomes the next entry. Both entries hold the same rows, and the database is read once.
    const csvPath = join(scratch(), `${index}.csv`)
    const batches = tally(readMessageBatches(part.range), partCounts, n => progress?.addMessages(n))
    add(`${part.prefix}messages.ndjson`, true, async () => byteStream(ndjsonChunks(teeCsv(batches, createWriteStream(csvPath)))))
    add(`${part.prefix}messages.csv`, true, async () => createReadStream(csvPath))
    for await (const batch of readFileBatches(part.range)) {
      for (const file of batch) {
        if (out.destroyed) return
        partCounts.files++
        // Only scanned-clean bytes travel: pending files are unscanned and blocked ones are what the scan refused.
        const reason = file.status !== 'available' ? 'not_available' : (await storage.stat(file.storageKey)) ? undefined : 'missing'
        if (reason) {
          partCounts.filesSkipped++
          skippedFiles.push({ id: file.id, fileName: file.fileName, status: file.status, reason })
          continue
        }
        partCounts.filesIncluded++
        // Stored, not deflated: uploads are mostly compressed formats already.
        add(`${part.prefix}${zipFilePath(file)}`, false, () => storage.get(file.storageKey), () => progress?.addFile())
      }
    }
  }

  async function addAll() {
    for (const [i, part] of parts.entries()) await addPart(part, perPart[i]!, i)
    add('manifest.json', true, async () => {
      for (const c of perPart) for (const key of Object.keys(counts) as (keyof Counts)[]) counts[key] += c[key]
      // A project bundle lists its conversations (even none); a conversation's bundle is that one conversation.
      const conversations = 'project' in head
        ? parts.map((p, i) => ({ id: p.range.conversationId, path: p.prefix, counts: perPart[i] }))
        : undefined
      return byteStream([`${JSON.stringify({
        ...head, counts, ...(conversations ? { conversations } : {}), entries: [...entries], skippedFiles,
        verify: 'jq -r \'.entries[] | "\\(.sha256)  \\(.path)"\' manifest.json | sha256sum -c'
      }, null, 2)}\n`])
    })
    zip.end()
  }
  addAll().catch(fail)
  zip.outputStream.once('error', fail)
  zip.outputStream.pipe(out)
  return out
}
