import { ProjectExportQuery } from '#shared/schemas/admin'
import { IdParams } from '#shared/schemas/conversations'
import { startProjectExport } from '../../../../domain/exports/export'
import { sendExport } from '../../../../utils/send-export'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  const query = queryValid(event, ProjectExportQuery)
  await sendExport(event, await startProjectExport(admin, id, query), { projectId: id, format: 'zip' })
})
