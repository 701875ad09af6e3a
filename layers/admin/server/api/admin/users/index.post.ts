import { CreateUserBody } from '#shared/schemas/admin'
import { createUser } from '../../../domain/moderation/users'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const body = await readValid(event, CreateUserBody)
  setResponseStatus(event, 201)
  return createUser(admin, body)
})
