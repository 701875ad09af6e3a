import { IdParams } from '#shared/schemas/conversations'
import { discardUpload } from '#server/domain/files/files'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  await discardUpload(user, id)
  setResponseStatus(event, 204)
  return null
})
