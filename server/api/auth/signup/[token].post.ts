import { z } from 'zod'
import { SignupBody } from '#shared/schemas/auth'
import { redeemSignupLink } from '#server/domain/auth/signup'

const Params = z.object({ token: z.string().regex(/^[\w-]{10,100}$/) })

export default defineEventHandler(async (event) => {
  const { token } = paramsValid(event, Params)
  return redeemSignupLink(event, token, await readValid(event, SignupBody))
})
