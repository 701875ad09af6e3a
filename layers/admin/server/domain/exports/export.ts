import type { Readable } from 'node:stream'
import type { ExportFormat } from '#shared/schemas/admin'
import { useDb } from '#server/adapters/database/use-database'
import { appendAudit } from '#server/domain/audit/audit'
import type { AuthUser } from '#server/domain/auth/users'
import { requireConversation } from '#server/domain/conversations/access'
import { readMessageBatches } from './reader'
import type { ExportRange } from './reader'
import { csvChunks, jsonChunks, ndjsonChunks } from './serializers'
import type { ExportHeader } from './serializers'
import { byteStream, zipBundle } from './zip'

export interface ExportParams { format: ExportFormat, from?: string, to?: string }

export interface ConversationExport { fileName: string, contentType: string, stream: Readable }

const CONTENT_TYPE: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  // RFC 4180 §3 registers the `header` parameter: the first record names the columns.
  csv: 'text/csv; charset=utf-8; header=present',
  zip: 'application/zip'
}

/**
 * GET /admin/conversations/:id/export: audit-logs the export, then returns the download as a stream that reads
 * the conversation a batch at a time. The audit row is written first and on its own: it records that an export
 * was started, whether or not the client reads it to the end.
 */
export async function startConversationExport(admin: AuthUser, conversationId: string, params: ExportParams): Promise<ConversationExport> {
  const { conversation } = await requireConversation(admin, conversationId)
  await appendAudit(await useDb(), {
    actorId: admin.id, action: 'conversation.export', targetType: 'conversation', targetId: conversationId,
    projectId: conversation.projectId, details: { format: params.format, from: params.from ?? null, to: params.to ?? null }
  })
  const header: ExportHeader = {
    conversation: {
      id: conversation.id, projectId: conversation.projectId, title: conversation.title, kind: conversation.kind,
      status: conversation.status, lastSeq: conversation.lastSeq, createdAt: conversation.createdAt.toISOString()
    },
    exportedAt: new Date().toISOString(),
    exportedBy: { id: admin.id, email: admin.email, displayName: admin.displayName },
    parameters: { format: params.format, from: params.from ?? null, to: params.to ?? null }
  }
  const range: ExportRange = {
    conversationId,
    untilSeq: conversation.lastSeq,
    from: params.from ? new Date(params.from) : undefined,
    to: params.to ? new Date(params.to) : undefined
  }
  const stream = params.format === 'zip'
    ? zipBundle(header, range)
    : byteStream(params.format === 'json'
        ? jsonChunks(header, readMessageBatches(range))
        : params.format === 'ndjson' ? ndjsonChunks(readMessageBatches(range)) : csvChunks(readMessageBatches(range)))
  return { fileName: `conversation-${conversationId}.${params.format}`, contentType: CONTENT_TYPE[params.format], stream }
}
