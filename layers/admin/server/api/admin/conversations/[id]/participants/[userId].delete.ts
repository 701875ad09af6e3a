import { z } from 'zod'
import { ParticipantParams, Reason } from '#shared/schemas/admin'
import { requireConversation } from '#server/domain/conversations/access'
import { removeParticipant } from '#server/domain/conversations/participants'

const Query = z.strictObject({ reason: Reason.optional() })

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id, userId } = paramsValid(event, ParticipantParams)
  const { reason } = queryValid(event, Query)
  await requireConversation(admin, id)
  if (!(await removeParticipant(admin, id, userId, reason))) throw notFound('Participant not found')
  return { ok: true }
})
