import { UpdateUserBody } from '#shared/schemas/admin'
import { IdParams } from '#shared/schemas/conversations'
import { updateUserRole } from '../../../../domain/moderation/users'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  return updateUserRole(admin, id, await readValid(event, UpdateUserBody))
})
