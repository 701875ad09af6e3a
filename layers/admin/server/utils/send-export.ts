import type { H3Event } from 'h3'
import { deliver } from '../domain/exports/export'
import type { Download } from '../domain/exports/export'

/**
 * The export handlers' shared tail: download headers (attachment, never sniffed, never cached, the run id for
 * the progress poll), then the stream, then a log line for a download that did not complete.
 */
export async function sendExport(event: H3Event, download: Download, fields: Record<string, unknown>) {
  setResponseHeaders(event, {
    'Content-Type': download.contentType,
    'Content-Disposition': `attachment; filename="${download.fileName}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Export-Id': download.runId
  })
  const { outcome, error } = await deliver(download, event.node.res)
  const log = useRequestLogger(event)
  if (outcome === 'abandoned') log.info('export abandoned by the client', { ...fields, exportId: download.runId })
  else if (outcome === 'failed') log.error('export failed mid-stream', { ...fields, exportId: download.runId, error })
}
