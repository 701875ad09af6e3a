import { listProjects } from '#server/domain/projects/projects'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  return listProjects(user)
})
