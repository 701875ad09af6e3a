import { IdParams } from '#shared/schemas/conversations'
import { ReactionBody } from '#shared/schemas/messages'
import { setReaction } from '#server/domain/reactions/reactions'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  const { emoji } = await readValid(event, ReactionBody)
  return setReaction(user, id, emoji, true)
})
