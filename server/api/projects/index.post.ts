import { CreateProjectBody } from '#shared/schemas/projects'
import { createProject } from '#server/domain/projects/projects'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  if (user.role !== 'admin') throw apiError('forbidden', 'Only admins create projects')
  const body = await readValid(event, CreateProjectBody)
  setResponseStatus(event, 201)
  return createProject(user, body)
})
