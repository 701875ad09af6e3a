import { IdParams } from '#shared/schemas/conversations'
import { getReport } from '../../../../domain/reports'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  return getReport(admin, id)
})
