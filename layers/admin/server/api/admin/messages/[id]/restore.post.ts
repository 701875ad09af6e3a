import { AdminRestoreMessageBody } from '#shared/schemas/admin'
import { IdParams } from '#shared/schemas/conversations'
import { restoreMessage } from '../../../../domain/moderation/messages'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  const { reason } = await readValid(event, AdminRestoreMessageBody)
  return restoreMessage(admin, id, reason)
})
