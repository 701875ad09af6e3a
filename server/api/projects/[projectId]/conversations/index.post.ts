import { CreateConversationBody } from '#shared/schemas/conversations'
import { ProjectParams } from '#shared/schemas/projects'
import { createConversation } from '#server/domain/conversations/conversations'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { projectId } = paramsValid(event, ProjectParams)
  const body = await readValid(event, CreateConversationBody)
  const { conversation, created } = await createConversation(user, projectId, body)
  // A second request for the same DM answers 200 with the existing conversation (contract §4).
  setResponseStatus(event, created ? 201 : 200)
  return { conversation }
})
