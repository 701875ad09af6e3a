import { UnsuspendUserBody } from '#shared/schemas/admin'
import { IdParams } from '#shared/schemas/conversations'
import { unsuspendUser } from '../../../../domain/moderation/users'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  const { reason } = await readValid(event, UnsuspendUserBody)
  return unsuspendUser(admin, id, reason)
})
