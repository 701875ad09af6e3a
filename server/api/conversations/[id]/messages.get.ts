import { IdParams } from '#shared/schemas/conversations'
import { HistoryQuery } from '#shared/schemas/messages'
import { listMessages } from '#server/domain/messages/messages'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  const query = queryValid(event, HistoryQuery)
  return listMessages(user, id, query)
})
