import { desc, eq } from 'drizzle-orm'
import { reports } from '#server/db/schema'
import { useDb } from '#server/adapters/database/use-database'
import { toReport } from '#server/domain/reports/reports'

/** GET /admin/reports: newest first, with the frozen evidence. */
export async function listReports(status?: 'open' | 'resolved' | 'dismissed') {
  const db = await useDb()
  const rows = await db.select().from(reports).where(status ? eq(reports.status, status) : undefined)
    .orderBy(desc(reports.createdAt)).limit(200)
  return { reports: rows.map(r => toReport(r, true)) }
}
