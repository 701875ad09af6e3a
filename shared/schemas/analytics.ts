import { z } from 'zod'
import { QueryInt, Uuid } from './common'
import { ConversationKind } from './conversations'

/** Longest range one request may ask for; the previous period doubles what is read. */
export const ANALYTICS_MAX_DAYS = 366

// UTC calendar days, both ends inclusive (docs/api.md "Analytics").
const Day = z.iso.date()
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000

const Filters = {
  projectId: Uuid.optional(),
  from: Day.optional(),
  to: Day.optional(),
  kind: ConversationKind.optional(),
  /** A thread counts as unanswered once it has waited this long without a staff or owner reply. */
  unansweredAfterHours: QueryInt(1, 8760).default(24)
}

const rangeOk = (q: { from?: string, to?: string }) => !q.from || !q.to || q.from <= q.to
const rangeShort = (q: { from?: string, to?: string }) => !q.from || !q.to || dayNumber(q.to) - dayNumber(q.from) < ANALYTICS_MAX_DAYS

export const AnalyticsQuery = z.strictObject(Filters)
  .refine(rangeOk, { message: 'from must not be after to', path: ['from'] })
  .refine(rangeShort, { message: `at most ${ANALYTICS_MAX_DAYS} days`, path: ['to'] })

export const AnalyticsConversationsQuery = z.strictObject({
  ...Filters,
  /** One day only (the bar of the chart that was clicked); overrides from/to. */
  day: Day.optional(),
  limit: QueryInt(1, 5000).default(500)
})
  .refine(rangeOk, { message: 'from must not be after to', path: ['from'] })
  .refine(rangeShort, { message: `at most ${ANALYTICS_MAX_DAYS} days`, path: ['to'] })

export type AnalyticsQuery = z.output<typeof AnalyticsQuery>
export type AnalyticsConversationsQuery = z.output<typeof AnalyticsConversationsQuery>
