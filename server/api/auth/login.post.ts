import { LoginBody } from '../../../shared/schemas/auth'

export default defineEventHandler(async (event) => {
  const body = await readValid(event, LoginBody)
  return signIn(event, body.email, body.password)
})
