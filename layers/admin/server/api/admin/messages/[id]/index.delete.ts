import { AdminDeleteMessageBody } from '#shared/schemas/admin'
import { IdParams } from '#shared/schemas/conversations'
import { deleteMessageAsAdmin } from '../../../../domain/moderation/messages'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  const { reason } = await readValid(event, AdminDeleteMessageBody)
  return deleteMessageAsAdmin(admin, id, reason)
})
