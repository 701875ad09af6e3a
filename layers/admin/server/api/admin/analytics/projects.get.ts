import { listAnalyticsProjects } from '../../../domain/analytics/summary'

export default defineEventHandler(async (event) => {
  await requireAnalyticsReader(event)
  return listAnalyticsProjects()
})
