import { csvRow } from './csv'
import type { ExportMessage } from './reader'

/** Everything an export says about itself, besides its messages. */
export interface ExportHeader {
  conversation: { id: string, projectId: string, title: string, kind: string, status: string, lastSeq: number, createdAt: string }
  exportedAt: string
  exportedBy: { id: string, email: string, displayName: string }
  parameters: { format: string, from: string | null, to: string | null }
}

type Batches = AsyncIterable<ExportMessage[]>

// Each serializer yields one string per batch, not per message: far fewer, larger writes to the socket or zip.

/** One JSON document, written as it goes: the header fields, then the messages array one batch at a time. */
export async function* jsonChunks(header: ExportHeader, batches: Batches): AsyncGenerator<string> {
  const head = JSON.stringify(header)
  yield `${head.slice(0, -1)},"messages":[`
  let separator = '\n'
  for await (const batch of batches) {
    yield separator + batch.map(m => JSON.stringify(m)).join(',\n')
    separator = ',\n'
  }
  yield '\n]}\n'
}

/** One message per line (https://github.com/ndjson/ndjson-spec). */
export async function* ndjsonChunks(batches: Batches): AsyncGenerator<string> {
  for await (const batch of batches) yield batch.map(m => `${JSON.stringify(m)}\n`).join('')
}

export const CSV_COLUMNS = [
  'id', 'seq', 'createdAt', 'senderId', 'senderName', 'type', 'content', 'replyToId', 'mentions', 'editedAt',
  'deleted', 'deletedAt', 'deletedById', 'deletedByName', 'deleteReason', 'edits', 'reactions', 'files'
] as const

function csvValues(m: ExportMessage): unknown[] {
  return [
    m.id, m.seq, m.createdAt, m.sender.id, m.sender.displayName, m.type, m.content, m.replyToId, m.mentions, m.editedAt,
    m.deleted, m.deletedAt, m.deletedBy?.id, m.deletedBy?.displayName, m.deleteReason, m.edits, m.reactions, m.files
  ]
}

export const csvHeader = () => csvRow([...CSV_COLUMNS])
export const csvBatch = (batch: ExportMessage[]) => batch.map(m => csvRow(csvValues(m))).join('')

/** A header row, then one row per message; edits, reactions, files and mentions as JSON text. */
export async function* csvChunks(batches: Batches): AsyncGenerator<string> {
  yield csvHeader()
  for await (const batch of batches) yield csvBatch(batch)
}

/** Passes batches through, counting messages and deleted ones (for the zip manifest and the progress bar). */
export async function* tally(batches: Batches, counts: { messages: number, deleted: number }, onBatch?: (n: number) => void): AsyncGenerator<ExportMessage[]> {
  for await (const batch of batches) {
    counts.messages += batch.length
    counts.deleted += batch.filter(m => m.deleted).length
    yield batch
    onBatch?.(batch.length)
  }
}
