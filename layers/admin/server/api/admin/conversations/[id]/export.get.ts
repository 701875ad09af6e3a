import { ExportQuery } from '#shared/schemas/admin'
import { IdParams } from '#shared/schemas/conversations'
import { startConversationExport } from '../../../../domain/exports/export'
import { sendExport } from '../../../../utils/send-export'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = paramsValid(event, IdParams)
  const query = queryValid(event, ExportQuery)
  await sendExport(event, await startConversationExport(admin, id, query), { conversationId: id, format: query.format })
})
