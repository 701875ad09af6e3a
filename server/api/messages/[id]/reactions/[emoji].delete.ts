import { ReactionParams } from '#shared/schemas/messages'
import { setReaction } from '#server/domain/reactions/reactions'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id, emoji } = paramsValid(event, ReactionParams)
  return setReaction(user, id, emoji, false)
})
