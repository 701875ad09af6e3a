import { ProjectMemberParams } from '#shared/schemas/projects'
import { removeMember } from '#server/domain/projects/members'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { projectId, userId } = paramsValid(event, ProjectMemberParams)
  return removeMember(user, projectId, userId)
})
