import { AnalyticsConversationsQuery } from '#shared/schemas/analytics'
import { listAnalyticsConversations, toAnalyticsCsv } from '../../../domain/analytics/conversations'

/** The drill-down as an RFC 4180 download, for analysts and admins. */
export default defineEventHandler(async (event) => {
  const viewer = await requireAnalyticsReader(event)
  const list = await listAnalyticsConversations(viewer, queryValid(event, AnalyticsConversationsQuery))
  setResponseHeaders(event, {
    'Content-Type': 'text/csv; charset=utf-8; header=present',
    'Content-Disposition': `attachment; filename="analytics-conversations-${list.from}-${list.to}.csv"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff'
  })
  return toAnalyticsCsv(viewer, list.conversations)
})
