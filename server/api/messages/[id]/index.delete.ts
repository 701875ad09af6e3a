import { IdParams } from '#shared/schemas/conversations'
import { deleteMessage } from '#server/domain/messages/messages'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  return deleteMessage(user, id)
})
