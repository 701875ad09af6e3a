import { AdminConversationsQuery } from '#shared/schemas/admin'
import { listAllConversations } from '../../../domain/conversations'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  return listAllConversations(queryValid(event, AdminConversationsQuery))
})
