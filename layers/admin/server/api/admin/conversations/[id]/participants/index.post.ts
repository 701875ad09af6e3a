import { AddParticipantBody } from '#shared/schemas/admin'
import { IdParams } from '#shared/schemas/conversations'
import { addParticipant } from '#server/domain/conversations/participants'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  const { userId, role, reason } = await readValid(event, AddParticipantBody)
  const result = await addParticipant(admin, id, userId, { role, reason })
  if (result.added) setResponseStatus(event, 201)
  return result
})
