import { and, between, eq } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { apiError } from '#server/platform/errors'
import { ANALYTICS_MAX_DAYS } from '#shared/schemas/analytics'
import type { AnalyticsQuery } from '#shared/schemas/analytics'

export interface DayRange { from: string, to: string, days: number }

const DAY_MS = 86_400_000
const DEFAULT_DAYS = 30

const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`)

/** The asked range (default: the 30 UTC days ending today) and the period of equal length just before it. */
export function resolveRanges(query: { from?: string, to?: string, day?: string }): { current: DayRange, previous: DayRange } {
  const from = query.day ?? query.from ?? toDay(toMs(query.to ?? toDay(Date.now())) - (DEFAULT_DAYS - 1) * DAY_MS)
  const to = query.day ?? query.to ?? [toDay(Date.now()), from].sort()[1]!
  const days = (toMs(to) - toMs(from)) / DAY_MS + 1
  // The schema checks ranges with both ends given; one end defaulted to today can still make a long one.
  if (days > ANALYTICS_MAX_DAYS) {
    throw apiError('validation_failed', 'Validation failed', { issues: [{ path: 'from', message: `at most ${ANALYTICS_MAX_DAYS} days` }] }, 400)
  }
  const previousTo = toDay(toMs(from) - DAY_MS)
  return {
    current: { from, to, days },
    previous: { from: toDay(toMs(previousTo) - (days - 1) * DAY_MS), to: previousTo, days }
  }
}

/** The filters every view shares: its day within the range, and the project and kind when given. */
export function viewFilter(columns: { day: PgColumn, projectId: PgColumn, kind: PgColumn }, range: DayRange, query: Pick<AnalyticsQuery, 'projectId' | 'kind'>) {
  return and(
    between(columns.day, range.from, range.to),
    query.projectId ? eq(columns.projectId, query.projectId) : undefined,
    query.kind ? eq(columns.kind, query.kind) : undefined
  )
}
