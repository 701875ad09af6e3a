import { z } from 'zod'
import { RedeemInviteBody } from '#shared/schemas/auth'

const Params = z.object({ token: z.string().regex(/^[\w-]{10,100}$/) })

export default defineEventHandler(async (event) => {
  const { token } = paramsValid(event, Params)
  const body = await readValid(event, RedeemInviteBody)
  return redeemInvite(event, token, body)
})
