import { IdParams } from '#shared/schemas/conversations'
import { CreateFileBody } from '#shared/schemas/files'
import { createUpload } from '#server/domain/files/files'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  const body = await readValid(event, CreateFileBody)
  const created = await createUpload(user, id, body, event)
  setResponseStatus(event, 201)
  return created
})
