import { IdParams, ReadBody } from '#shared/schemas/conversations'
import { markRead } from '#server/domain/reads/reads'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  const { seq } = await readValid(event, ReadBody)
  return markRead(user, id, seq)
})
