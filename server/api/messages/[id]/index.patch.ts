import { IdParams } from '#shared/schemas/conversations'
import { EditMessageBody } from '#shared/schemas/messages'
import { editMessage } from '#server/domain/messages/messages'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  const body = await readValid(event, EditMessageBody)
  return editMessage(user, id, body)
})
