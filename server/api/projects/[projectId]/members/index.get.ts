import { ProjectParams } from '#shared/schemas/projects'
import { listMembers } from '#server/domain/projects/members'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { projectId } = paramsValid(event, ProjectParams)
  return listMembers(user, projectId)
})
