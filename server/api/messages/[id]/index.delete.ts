import { IdParams } from '#shared/schemas/conversations'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  return deleteMessage(user, id)
})
