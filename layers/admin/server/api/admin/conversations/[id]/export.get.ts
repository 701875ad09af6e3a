import { pipeline } from 'node:stream/promises'
import { ExportQuery } from '#shared/schemas/admin'
import { IdParams } from '#shared/schemas/conversations'
import { startConversationExport } from '../../../../domain/exports/export'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  const query = queryValid(event, ExportQuery)
  const download = await startConversationExport(admin, id, query)
  setResponseHeaders(event, {
    'Content-Type': download.contentType,
    'Content-Disposition': `attachment; filename="${download.fileName}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff'
  })
  // pipeline() rather than sendStream(): it destroys the socket when the export fails half-way (the client sees
  // a broken download, not a short one that ends cleanly), and stops the database reads when the client leaves.
  try {
    await pipeline(download.stream, event.node.res)
  } catch (error) {
    const log = useRequestLogger(event)
    const fields = { conversationId: id, format: query.format }
    if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') log.info('export abandoned by the client', fields)
    else log.error('export failed mid-stream', { ...fields, error })
  }
})
