import { z } from 'zod'
import { Uuid } from '#shared/schemas/common'
import { unblockUser } from '#server/domain/blocks/blocks'

const Params = z.object({ userId: Uuid })

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { userId } = paramsValid(event, Params)
  return unblockUser(user, userId)
})
