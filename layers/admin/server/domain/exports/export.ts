import { Transform } from 'node:stream'
import type { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { ExportFormat } from '#shared/schemas/admin'
import { conversations, files, messages, projects } from '#server/db/schema'
import { useDb } from '#server/adapters/database/use-database'
import { appendAudit } from '#server/domain/audit/audit'
import type { AuthUser } from '#server/domain/auth/users'
import { requireConversation } from '#server/domain/conversations/access'
import { notFound } from '#server/platform/errors'
import { readMessageBatches } from './reader'
import type { ExportRange } from './reader'
import { ExportProgress, insertRun } from './runs'
import type { ExportOutcome, NewRun } from './runs'
import { csvChunks, jsonChunks, ndjsonChunks, tally } from './serializers'
import type { ExportHeader } from './serializers'
import { byteStream, zipBundle } from './zip'

export interface ExportParams { format: ExportFormat, from?: string, to?: string, exportId?: string }

export interface Download { runId: string, fileName: string, contentType: string, stream: Readable, progress: ExportProgress }

const CONTENT_TYPE: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  // RFC 4180 §3 registers the `header` parameter: the first record names the columns.
  csv: 'text/csv; charset=utf-8; header=present',
  zip: 'application/zip'
}

type ConversationRow = typeof conversations.$inferSelect

const describe = (c: ConversationRow): ExportHeader['conversation'] => ({
  id: c.id, projectId: c.projectId, title: c.title, kind: c.kind, status: c.status, lastSeq: c.lastSeq,
  createdAt: c.createdAt.toISOString()
})

/**
 * What the export will write, counted before it starts, so the progress bar has a total: the messages up to each
 * conversation's last seq now (the same bound the reader keeps, so messages sent meanwhile count in neither),
 * and the files that will travel (only a zip carries bytes).
 */
async function countTotals(scope: SQL, from?: Date, to?: Date) {
  const db = await useDb()
  const inRange = and(
    lte(messages.seq, conversations.lastSeq),
    from ? gte(messages.createdAt, from) : undefined,
    to ? lte(messages.createdAt, to) : undefined
  )
  const count = sql<number>`count(*)::int`
  const [[counted], [available]] = await Promise.all([
    db.select({ n: count }).from(messages).innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(scope, inRange)),
    db.select({ n: count }).from(files).innerJoin(messages, eq(messages.id, files.messageId))
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(scope, inRange, eq(files.status, 'available')))
  ])
  return { messages: Number(counted?.n ?? 0), files: Number(available?.n ?? 0) }
}

/** Counts every byte on its way out, for the run's `bytesWritten`. */
function countingBytes(progress: ExportProgress) {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      progress.addBytes(chunk.length)
      done(null, chunk)
    }
  })
}

/**
 * The run row and its audit row, in one transaction: both say an export was started, whether or not the client
 * reads it to the end; the run then follows its progress and how it ended.
 */
async function recordStart(run: NewRun, audit: { action: string, targetType: string, details?: Record<string, unknown> }) {
  const db = await useDb()
  return db.transaction(async (tx) => {
    const id = await insertRun(tx, run)
    await appendAudit(tx, {
      actorId: run.actorId, action: audit.action, targetType: audit.targetType, targetId: run.targetId,
      projectId: run.projectId, details: { format: run.format, ...run.parameters, exportId: id, ...audit.details }
    })
    return id
  })
}

const exporter = (admin: AuthUser) => ({ id: admin.id, email: admin.email, displayName: admin.displayName })
const parameters = (params: ExportParams) => ({ from: params.from ?? null, to: params.to ?? null })
const dateOf = (iso?: string) => (iso ? new Date(iso) : undefined)

/**
 * GET /admin/conversations/:id/export: records the start, then returns the download as a stream that reads the
 * conversation a batch at a time.
 */
export async function startConversationExport(admin: AuthUser, conversationId: string, params: ExportParams): Promise<Download> {
  const { conversation } = await requireConversation(admin, conversationId)
  const totals = await countTotals(eq(conversations.id, conversationId), dateOf(params.from), dateOf(params.to))
  const runId = await recordStart({
    id: params.exportId, actorId: admin.id, scope: 'conversation', targetId: conversationId, projectId: conversation.projectId,
    format: params.format, parameters: parameters(params),
    messagesTotal: totals.messages, filesTotal: params.format === 'zip' ? totals.files : 0
  }, { action: 'conversation.export', targetType: 'conversation' })
  const progress = new ExportProgress(runId)
  const header: ExportHeader = {
    conversation: describe(conversation),
    exportedAt: new Date().toISOString(),
    exportedBy: exporter(admin),
    parameters: { format: params.format, ...parameters(params) }
  }
  const range: ExportRange = { conversationId, untilSeq: conversation.lastSeq, from: dateOf(params.from), to: dateOf(params.to) }
  const counted = (batches: ReturnType<typeof readMessageBatches>) =>
    tally(batches, { messages: 0, deleted: 0 }, n => progress.addMessages(n))
  const stream = params.format === 'zip'
    ? zipBundle(header, [{ prefix: '', range }], progress)
    : byteStream(params.format === 'json'
        ? jsonChunks(header, counted(readMessageBatches(range)))
        : params.format === 'ndjson' ? ndjsonChunks(counted(readMessageBatches(range))) : csvChunks(counted(readMessageBatches(range))))
  return { runId, fileName: `conversation-${conversationId}.${params.format}`, contentType: CONTENT_TYPE[params.format], stream, progress }
}

/**
 * GET /admin/projects/:id/export: every conversation of the project (archived and locked ones too) as one zip,
 * each under `conversations/<id>/` with its conversation.json, messages.ndjson, messages.csv and files, and one
 * manifest for the whole bundle. Each conversation is bounded by its last seq when the export started.
 */
export async function startProjectExport(admin: AuthUser, projectId: string, params: ExportParams): Promise<Download> {
  const db = await useDb()
  const [project] = await db.select().from(projects).where(eq(projects.id, projectId))
  if (!project) throw notFound('Project not found')
  const list = await db.select().from(conversations).where(eq(conversations.projectId, projectId))
    .orderBy(asc(conversations.createdAt), asc(conversations.id))
  const totals = await countTotals(eq(conversations.projectId, projectId), dateOf(params.from), dateOf(params.to))
  const runId = await recordStart({
    id: params.exportId, actorId: admin.id, scope: 'project', targetId: projectId, projectId,
    format: 'zip', parameters: parameters(params), messagesTotal: totals.messages, filesTotal: totals.files
  }, { action: 'project.export', targetType: 'project', details: { conversations: list.length } })
  const progress = new ExportProgress(runId)
  const head = {
    project: { id: project.id, slug: project.slug, name: project.name },
    exportedAt: new Date().toISOString(),
    exportedBy: exporter(admin),
    parameters: { format: 'zip', ...parameters(params) }
  }
  const parts = list.map(c => ({
    prefix: `conversations/${c.id}/`,
    conversation: describe(c),
    range: { conversationId: c.id, untilSeq: c.lastSeq, from: dateOf(params.from), to: dateOf(params.to) }
  }))
  return { runId, fileName: `project-${project.slug}.zip`, contentType: CONTENT_TYPE.zip, stream: zipBundle(head, parts, progress), progress }
}

/**
 * Streams a download into the response and records how it ended. pipeline() rather than sendStream(): it destroys
 * the socket when the export fails half-way (the client sees a broken download, not a short one that ends
 * cleanly), and stops the database reads when the client leaves.
 */
export async function deliver(download: Download, destination: Writable): Promise<{ outcome: ExportOutcome, error?: unknown }> {
  let result: { outcome: ExportOutcome, error?: unknown }
  try {
    await pipeline(download.stream, countingBytes(download.progress), destination)
    result = { outcome: 'completed' }
  } catch (error) {
    const abandoned = (error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE'
    result = { outcome: abandoned ? 'abandoned' : 'failed', error }
  }
  await download.progress.finish(result.outcome).catch(() => {})
  return result
}
