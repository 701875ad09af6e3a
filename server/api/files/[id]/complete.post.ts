import { IdParams } from '#shared/schemas/conversations'
import { completeUpload } from '#server/domain/files/files'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  return completeUpload(user, id)
})
