import { IdParams } from '#shared/schemas/conversations'
import { SendMessageBody } from '#shared/schemas/messages'
import { sendMessage } from '#server/domain/messages/messages'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  const body = await readValid(event, SendMessageBody)
  const { message, duplicate } = await sendMessage(user, id, body)
  if (duplicate) return { message, duplicate: true }
  setResponseStatus(event, 201)
  return { message }
})
