import { IdParams } from '#shared/schemas/conversations'
import { ReportBody } from '#shared/schemas/messages'
import { reportMessage } from '#server/domain/reports/reports'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = paramsValid(event, IdParams)
  const body = await readValid(event, ReportBody)
  setResponseStatus(event, 201)
  return reportMessage(user, id, body)
})
