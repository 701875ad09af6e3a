import { listMyReports } from '#server/domain/reports/reports'

export default defineEventHandler(async event => listMyReports(await requireUser(event)))
