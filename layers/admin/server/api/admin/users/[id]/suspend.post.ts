import { SuspendUserBody } from '#shared/schemas/admin'
import { IdParams } from '#shared/schemas/conversations'
import { suspendUser } from '../../../../domain/moderation/users'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  return suspendUser(admin, id, await readValid(event, SuspendUserBody))
})
