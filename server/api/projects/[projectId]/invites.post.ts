import { CreateInviteBody, ProjectParams } from '#shared/schemas/projects'
import { createInvite } from '#server/domain/invites/invites'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { projectId } = paramsValid(event, ProjectParams)
  const body = await readValid(event, CreateInviteBody)
  setResponseStatus(event, 201)
  return createInvite(user, projectId, body)
})
