import { z } from 'zod'
import { useJobs } from '#server/platform/jobs/use-jobs'

const Query = z.strictObject({
  state: z.enum(['created', 'retry', 'active', 'completed', 'cancelled', 'failed']).optional(),
  name: z.string().regex(/^[\w.-]{1,100}$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100)
})

/** Diagnostics: background jobs with their state, newest first (finished jobs are archived after 12 h). */
export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const query = queryValid(event, Query)
  return { jobs: await useJobs().list(query) }
})
