import { toPublicUser } from '#server/domain/auth/users'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  return { user: toPublicUser(user) }
})
