import { ExportRunsQuery } from '#shared/schemas/admin'
import { listRuns } from '../../../domain/exports/runs'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  return listRuns(queryValid(event, ExportRunsQuery))
})
