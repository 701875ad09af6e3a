import { z } from 'zod'
import { RedeemInviteBody } from '#shared/schemas/auth'
import { redeemInvite } from '#server/domain/invites/invites'

const Params = z.object({ token: z.string().regex(/^[\w-]{10,100}$/) })

export default defineEventHandler(async (event) => {
  const { token } = paramsValid(event, Params)
  const body = await readValid(event, RedeemInviteBody)
  return redeemInvite(event, await getAuthUser(event), token, body)
})
