import { IdParams } from '#shared/schemas/conversations'
import { HistoryQuery } from '#shared/schemas/messages'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  const query = queryValid(event, HistoryQuery)
  await requireConversation(user, id)
  return listHistory(await useDb(), id, query, user)
})
