import { z } from 'zod'
import { listReports } from '../../../domain/reports'

const Query = z.strictObject({ status: z.enum(['open', 'resolved', 'dismissed']).optional() })

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { status } = queryValid(event, Query)
  return listReports(admin, status)
})
