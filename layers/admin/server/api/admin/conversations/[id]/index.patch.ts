import { AdminConversationBody } from '#shared/schemas/admin'
import { IdParams } from '#shared/schemas/conversations'
import { setConversationStatus } from '../../../../domain/moderation/conversations'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  const { status, reason } = await readValid(event, AdminConversationBody)
  return setConversationStatus(admin, id, status, reason)
})
