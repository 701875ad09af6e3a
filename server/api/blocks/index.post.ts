import { z } from 'zod'
import { Uuid } from '#shared/schemas/common'
import { blockUser } from '#server/domain/blocks/blocks'

const Body = z.strictObject({ userId: Uuid })

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { userId } = await readValid(event, Body)
  const { block, created } = await blockUser(user, userId)
  if (created) setResponseStatus(event, 201)
  return { block }
})
