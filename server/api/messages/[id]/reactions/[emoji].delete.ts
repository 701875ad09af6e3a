import { ReactionParams } from '#shared/schemas/messages'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id, emoji } = paramsValid(event, ReactionParams)
  return setReaction(user, id, emoji, false)
})
