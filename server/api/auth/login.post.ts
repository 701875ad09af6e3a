import { LoginBody } from '#shared/schemas/auth'
import { signIn } from '#server/domain/auth/sessions'

export default defineEventHandler(async (event) => {
  const body = await readValid(event, LoginBody)
  return signIn(event, body.email, body.password)
})
