import { ProjectParams } from '#shared/schemas/projects'
import { listConversations } from '#server/domain/conversations/conversations'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { projectId } = paramsValid(event, ProjectParams)
  return listConversations(user, projectId)
})
