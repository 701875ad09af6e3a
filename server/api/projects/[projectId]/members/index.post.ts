import { AddMemberBody, ProjectParams } from '#shared/schemas/projects'
import { addMember } from '#server/domain/projects/members'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { projectId } = paramsValid(event, ProjectParams)
  const body = await readValid(event, AddMemberBody)
  setResponseStatus(event, 201)
  return addMember(user, projectId, body)
})
