import { IdParams } from '#shared/schemas/conversations'
import { getRun } from '../../../domain/exports/runs'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  return { export: await getRun(id) }
})
