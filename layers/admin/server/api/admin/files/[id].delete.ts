import { IdParams } from '#shared/schemas/conversations'
import { AdminDeleteFileBody } from '#shared/schemas/files'
import { deleteFileForGood } from '../../../domain/quarantine'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  const { reason } = await readValid(event, AdminDeleteFileBody)
  await deleteFileForGood(admin, id, reason)
  setResponseStatus(event, 204)
  return null
})
