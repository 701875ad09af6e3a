import { AnalyticsQuery } from '#shared/schemas/analytics'
import { getAnalyticsSummary } from '../../../domain/analytics/summary'

/** Contract §4 `GET /admin/analytics` plus the dashboard's extensions (docs/api.md); admins and analysts. */
export default defineEventHandler(async (event) => {
  const viewer = await requireAnalyticsReader(event)
  return getAnalyticsSummary(viewer, queryValid(event, AnalyticsQuery))
})
