import { and, isNull, lt, sql } from 'drizzle-orm'
import type { Database } from '#server/adapters/database/database'
import { clientThreads } from '#server/db/analytics'
import type { AnalyticsQuery } from '#shared/schemas/analytics'
import { viewFilter } from './range'
import type { DayRange } from './range'

/** Upper bounds in seconds of the distribution's buckets; the last bucket is open-ended. */
export const FIRST_RESPONSE_BUCKETS = [
  { bucket: 'under_5m', maxSeconds: 300 },
  { bucket: '5m_15m', maxSeconds: 900 },
  { bucket: '15m_1h', maxSeconds: 3600 },
  { bucket: '1h_4h', maxSeconds: 14_400 },
  { bucket: '4h_24h', maxSeconds: 86_400 },
  { bucket: 'over_24h', maxSeconds: null }
] as const

const seconds = clientThreads.responseSeconds
const round = (value: number | null) => value === null ? null : Math.round(value)

/** Threads started in the range: counts, mean, median and p90 of the first response, unanswered ones. */
export async function getFirstResponseStats(db: Database, range: DayRange, query: Pick<AnalyticsQuery, 'projectId' | 'kind' | 'unansweredAfterHours'>) {
  const waitedSince = new Date(Date.now() - query.unansweredAfterHours * 3_600_000)
  const [row] = await db.select({
    threads: sql<number>`count(*)::int`.mapWith(Number),
    answered: sql<number>`count(${seconds})::int`.mapWith(Number),
    avg: sql<number | null>`avg(${seconds})::float8`.mapWith(Number),
    median: sql<number | null>`percentile_cont(0.5) within group (order by ${seconds})`.mapWith(Number),
    p90: sql<number | null>`percentile_cont(0.9) within group (order by ${seconds})`.mapWith(Number),
    unanswered: sql<number>`(count(*) filter (where ${and(isNull(clientThreads.respondedAt), lt(clientThreads.startedAt, waitedSince))}))::int`.mapWith(Number)
  }).from(clientThreads).where(viewFilter(clientThreads, range, query))
  return {
    threads: row?.threads ?? 0,
    answeredThreads: row?.answered ?? 0,
    unansweredThreads: row?.unanswered ?? 0,
    avgFirstResponseSeconds: round(row?.avg ?? null),
    medianFirstResponseSeconds: round(row?.median ?? null),
    p90FirstResponseSeconds: round(row?.p90 ?? null)
  }
}

/** Answered threads of the range per response-time bucket, every bucket present. */
export async function listFirstResponseBuckets(db: Database, range: DayRange, query: Pick<AnalyticsQuery, 'projectId' | 'kind'>) {
  const counts = FIRST_RESPONSE_BUCKETS.map((b, i) => {
    const min = i === 0 ? 0 : FIRST_RESPONSE_BUCKETS[i - 1]!.maxSeconds!
    const inBucket = b.maxSeconds === null ? sql`${seconds} >= ${min}` : sql`${seconds} >= ${min} and ${seconds} < ${b.maxSeconds}`
    return sql<number>`(count(*) filter (where ${inBucket}))::int`.mapWith(Number)
  })
  const [row] = await db.select(Object.fromEntries(counts.map((c, i) => [`b${i}`, c])))
    .from(clientThreads).where(viewFilter(clientThreads, range, query))
  return FIRST_RESPONSE_BUCKETS.map((b, i) => ({
    bucket: b.bucket,
    minSeconds: i === 0 ? 0 : FIRST_RESPONSE_BUCKETS[i - 1]!.maxSeconds!,
    maxSeconds: b.maxSeconds,
    threads: Number(row?.[`b${i}`] ?? 0)
  }))
}
