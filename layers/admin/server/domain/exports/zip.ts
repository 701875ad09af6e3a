import { createHash } from 'node:crypto'
import { PassThrough, Readable, Transform } from 'node:stream'
import { ZipFile } from 'yazl'
import { useObjectStorage } from '#server/adapters/storage/use-storage'
import { csvChunks, ndjsonChunks, tally } from './serializers'
import type { ExportHeader } from './serializers'
import { readFileBatches, readMessageBatches } from './reader'
import type { ExportRange, StoredFile } from './reader'

interface ManifestEntry { path: string, size: number, sha256: string }
interface SkippedFile { id: string, fileName: string, status: string, reason: 'missing' | 'not_available' }

/** Text chunks as a byte stream that pulls the next chunk only when the consumer wants more. */
export const byteStream = (chunks: AsyncIterable<string> | Iterable<string>) => Readable.from(chunks, { objectMode: false })

/** A pass-through that hashes and counts the bytes of one entry, recording them when the entry ends. */
function measured(path: string, entries: ManifestEntry[]): Transform {
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
      done()
    }
  })
}

/** `files/<id>-<name>`, with a name that cannot climb out of files/, hide itself or break `sha256sum -c`. */
export function zipFilePath(file: Pick<StoredFile, 'id' | 'fileName'>): string {
  const name = Array.from(file.fileName.normalize('NFC').replace(/[\p{Cc}\p{Cf}/\\]/gu, '_'))
    .slice(0, 150).join('').replace(/^[.\s]+/, '').trim()
  return `files/${file.id}-${name || 'file'}`
}

/**
 * The verifiable bundle: messages.ndjson, messages.csv, files/… and, last, manifest.json with the SHA-256 and
 * size of every other entry, measured while it streamed. yazl writes entries one after another and opens a lazy
 * entry only when its turn comes, so the manifest is built after everything it describes has been written.
 */
export function zipBundle(header: ExportHeader, range: ExportRange): Readable {
  const zip = new ZipFile()
  const out = new PassThrough()
  const entries: ManifestEntry[] = []
  const skippedFiles: SkippedFile[] = []
  const counts = { messages: 0, deleted: 0, files: 0, filesIncluded: 0, filesSkipped: 0 }
  const mtime = new Date(header.exportedAt)
  const open = new Set<Readable>()

  // yazl joins its streams with pipe(), which forwards no errors: any failure must end the output itself.
  const fail = (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error)))
  zip.on('error', fail)
  // A client that goes away ends the output: stop reading the database and close open files.
  out.once('close', () => open.forEach(s => s.destroy()))

  function add(path: string, compress: boolean, source: () => Promise<Readable>) {
    zip.addReadStreamLazy(path, { mtime, compress }, (cb) => {
      source().then((stream) => {
        open.add(stream)
        stream.once('close', () => open.delete(stream))
        stream.once('error', fail)
        cb(null, stream.pipe(measured(path, entries)))
      }, fail)
    })
  }

  add('messages.ndjson', true, async () => byteStream(ndjsonChunks(tally(readMessageBatches(range), counts))))
  add('messages.csv', true, async () => byteStream(csvChunks(readMessageBatches(range))))

  const storage = useObjectStorage()
  async function addFiles() {
    for await (const batch of readFileBatches(range)) {
      for (const file of batch) {
        if (out.destroyed) return
        counts.files++
        // Only scanned-clean bytes travel: pending files are unscanned and blocked ones are what the scan refused.
        const reason = file.status !== 'available' ? 'not_available' : (await storage.stat(file.storageKey)) ? undefined : 'missing'
        if (reason) {
          counts.filesSkipped++
          skippedFiles.push({ id: file.id, fileName: file.fileName, status: file.status, reason })
          continue
        }
        counts.filesIncluded++
        // Stored, not deflated: uploads are mostly compressed formats already.
        add(zipFilePath(file), false, () => storage.get(file.storageKey))
      }
    }
    add('manifest.json', true, async () => byteStream([`${JSON.stringify({
      ...header, counts, entries: [...entries], skippedFiles,
      verify: 'jq -r \'.entries[] | "\\(.sha256)  \\(.path)"\' manifest.json | sha256sum -c'
    }, null, 2)}\n`]))
    zip.end()
  }
  addFiles().catch(fail)
  zip.outputStream.once('error', fail)
  zip.outputStream.pipe(out)
  return out
}
