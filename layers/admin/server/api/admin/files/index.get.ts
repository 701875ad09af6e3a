import { AdminFilesQuery } from '#shared/schemas/files'
import { listFiles } from '../../../domain/quarantine'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  return listFiles(admin, queryValid(event, AdminFilesQuery))
})
