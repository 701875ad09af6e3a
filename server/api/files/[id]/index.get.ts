import { IdParams } from '#shared/schemas/conversations'
import { getFileDownload } from '#server/domain/files/files'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  setResponseHeader(event, 'Cache-Control', 'private, no-store')
  return getFileDownload(user, id)
})
