import { EventsQuery, IdParams } from '#shared/schemas/conversations'
import { listEvents } from '#server/domain/events/feed'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  const { after, limit } = queryValid(event, EventsQuery)
  return listEvents(user, id, after, limit)
})
