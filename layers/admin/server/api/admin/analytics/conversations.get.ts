import { AnalyticsConversationsQuery } from '#shared/schemas/analytics'
import { listAnalyticsConversations } from '../../../domain/analytics/conversations'

/** The drill-down: one row per conversation; titles and project names for admins only. */
export default defineEventHandler(async (event) => {
  const viewer = await requireAnalyticsReader(event)
  return listAnalyticsConversations(viewer, queryValid(event, AnalyticsConversationsQuery))
})
