import { AdminUsersQuery } from '#shared/schemas/admin'
import { listUsers } from '../../../domain/moderation/users'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  return listUsers(queryValid(event, AdminUsersQuery))
})
