import { and, between, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '#server/adapters/database/database'
import { useDb } from '#server/adapters/database/use-database'
import { clientThreads, conversationDaily, conversationFacts } from '#server/db/analytics'
import type { AuthUser } from '#server/domain/auth/users'
import type { AnalyticsConversationsQuery } from '#shared/schemas/analytics'
import { csvRow } from '../exports/csv'
import { resolveRanges, viewFilter } from './range'
import type { DayRange } from './range'
import { listConversationNames } from './summary'

/**
 * The drill-down: one row per conversation with messages in the range (or on `day`), busiest first. Admins
 * also get the title and project name; analysts ids and counts only (contract §1).
 */
export async function listAnalyticsConversations(viewer: AuthUser, query: AnalyticsConversationsQuery) {
  const db = await useDb()
  const { current } = resolveRanges(query)
  const messages = sql<number>`sum(${conversationDaily.messages})::int`.mapWith(Number)
  const rows = await db.select({
    conversationId: conversationDaily.conversationId,
    projectId: conversationDaily.projectId,
    kind: conversationDaily.kind,
    messages,
    participants: sql<number>`coalesce(max(${conversationFacts.participants}), 0)::int`.mapWith(Number)
  }).from(conversationDaily)
    .leftJoin(conversationFacts, eq(conversationFacts.conversationId, conversationDaily.conversationId))
    .where(viewFilter(conversationDaily, current, query))
    .groupBy(conversationDaily.conversationId, conversationDaily.projectId, conversationDaily.kind)
    .orderBy(desc(messages), conversationDaily.conversationId)
    .limit(query.limit + 1)
  const medians = await listFirstResponseMedians(db, rows.slice(0, query.limit).map(r => r.conversationId), current)
  const page = rows.slice(0, query.limit).map(r => ({ ...r, firstResponseMedianSeconds: medians.get(r.conversationId) ?? null }))
  const base = { from: current.from, to: current.to, truncated: rows.length > query.limit }
  if (viewer.role !== 'admin' || page.length === 0) return { ...base, conversations: page }
  const names = await listConversationNames(db, page.map(r => r.conversationId))
  return { ...base, conversations: page.map(r => ({ ...r, title: names.get(r.conversationId)?.title ?? null, projectName: names.get(r.conversationId)?.projectName ?? null })) }
}

// The page's medians in one grouped pass over the range's threads: a correlated subquery per conversation
// rescanned the range for every conversation with messages, before the limit (load/analytics-bench.ts).
async function listFirstResponseMedians(db: Database, ids: string[], range: DayRange): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map()
  const rows = await db.select({
    conversationId: clientThreads.conversationId,
    median: sql<number | null>`percentile_cont(0.5) within group (order by ${clientThreads.responseSeconds})`.mapWith(Number)
  }).from(clientThreads)
    .where(and(between(clientThreads.day, range.from, range.to), inArray(clientThreads.conversationId, ids)))
    .groupBy(clientThreads.conversationId)
  return new Map(rows.filter(r => r.median !== null).map(r => [r.conversationId, Math.round(r.median!)]))
}

const CSV_COLUMNS = ['conversationId', 'projectId', 'kind', 'messages', 'participants', 'firstResponseMedianSeconds'] as const
const ADMIN_COLUMNS = ['title', 'projectName'] as const

/** The same rows as RFC 4180 CSV (header first, CRLF line ends, formulas neutralised); names for admins only. */
export function toAnalyticsCsv(viewer: AuthUser, rows: Array<Record<string, unknown>>): string {
  const columns = viewer.role === 'admin' ? [...CSV_COLUMNS, ...ADMIN_COLUMNS] : CSV_COLUMNS
  return csvRow([...columns]) + rows.map(r => csvRow(columns.map(c => r[c]))).join('')
}
