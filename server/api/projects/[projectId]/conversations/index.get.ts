import { ProjectParams } from '#shared/schemas/projects'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { projectId } = paramsValid(event, ProjectParams)
  return listConversations(user, projectId)
})
