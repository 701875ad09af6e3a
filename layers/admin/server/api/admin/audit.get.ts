import { AuditQuery } from '#shared/schemas/admin'
import { listAudit } from '../../domain/audit'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  return listAudit(queryValid(event, AuditQuery))
})
