import { ResolveReportBody } from '#shared/schemas/admin'
import { IdParams } from '#shared/schemas/conversations'
import { resolveReport } from '../../../../domain/reports'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  return resolveReport(admin, id, await readValid(event, ResolveReportBody))
})
