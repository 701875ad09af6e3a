import { IdParams } from '#shared/schemas/conversations'
import { getConversation } from '#server/domain/conversations/conversations'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  return getConversation(user, id)
})
