import { desc, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '#server/adapters/database/database'
import { useDb } from '#server/adapters/database/use-database'
import { conversationDaily, messagesDaily, userDaily } from '#server/db/analytics'
import { conversations, projects } from '#server/db/schema'
import { getLastRefresh } from '#server/domain/analytics/refresh'
import type { AuthUser } from '#server/domain/auth/users'
import { useConfig } from '#server/platform/config'
import type { AnalyticsQuery } from '#shared/schemas/analytics'
import { ConversationKind } from '#shared/schemas/conversations'
import { getFirstResponseStats, listFirstResponseBuckets } from './first-response'
import { resolveRanges, viewFilter } from './range'
import type { DayRange } from './range'
import { DEFINITIONS } from './definitions'

const BUSIEST_LIMIT = 10
type Filters = Pick<AnalyticsQuery, 'projectId' | 'kind' | 'unansweredAfterHours'>

/**
 * The dashboard's numbers for a range, read from the analytics views only (contract §4 plus the extensions in
 * docs/api.md). Analysts get ids and counts; admins also get conversation titles and project names.
 */
export async function getAnalyticsSummary(viewer: AuthUser, query: AnalyticsQuery) {
  const db = await useDb()
  const { current, previous } = resolveRanges(query)
  const [totals, previousTotals, messagesByDay, busiestConversations, firstResponseBuckets, refresh] = await Promise.all([
    getTotals(db, current, query),
    getTotals(db, previous, query),
    listMessagesByDay(db, current, query),
    listBusiest(db, current, query, viewer.role === 'admin'),
    listFirstResponseBuckets(db, current, query),
    getLastRefresh(db)
  ])
  return {
    from: current.from,
    to: current.to,
    ...totals,
    messagesByDay,
    busiestConversations,
    firstResponseBuckets,
    previous: { from: previous.from, to: previous.to, ...previousTotals },
    refreshedAt: refresh?.refreshedAt.toISOString() ?? null,
    refreshDurationMs: refresh?.refreshDurationMs ?? null,
    // The dashboard calls the numbers stale once they are older than two intervals.
    refreshIntervalSeconds: useConfig().analytics.refreshSeconds,
    firstResponseGapHours: useConfig().analytics.firstResponseGapHours,
    unansweredAfterHours: query.unansweredAfterHours,
    definitions: DEFINITIONS
  }
}

async function getTotals(db: Database, range: DayRange, query: Filters) {
  const [[messages], [active], [users], firstResponse] = await Promise.all([
    db.select({ total: sql<number>`coalesce(sum(${messagesDaily.messages}), 0)::int`.mapWith(Number) })
      .from(messagesDaily).where(viewFilter(messagesDaily, range, query)),
    db.select({ total: sql<number>`count(distinct ${conversationDaily.conversationId})::int`.mapWith(Number) })
      .from(conversationDaily).where(viewFilter(conversationDaily, range, query)),
    db.select({ total: sql<number>`count(distinct ${userDaily.userId})::int`.mapWith(Number) })
      .from(userDaily).where(viewFilter(userDaily, range, query)),
    getFirstResponseStats(db, range, query)
  ])
  return {
    totalMessages: messages?.total ?? 0,
    activeConversations: active?.total ?? 0,
    activeUsers: users?.total ?? 0,
    ...firstResponse
  }
}

/** Every day of the range (zero-filled), split by conversation kind, with that day's active conversations and users. */
async function listMessagesByDay(db: Database, range: DayRange, query: Filters) {
  const [byKind, conversationsPerDay, usersPerDay] = await Promise.all([
    db.select({ day: messagesDaily.day, kind: messagesDaily.kind, messages: sql<number>`sum(${messagesDaily.messages})::int`.mapWith(Number) })
      .from(messagesDaily).where(viewFilter(messagesDaily, range, query)).groupBy(messagesDaily.day, messagesDaily.kind),
    db.select({ day: conversationDaily.day, n: sql<number>`count(*)::int`.mapWith(Number) })
      .from(conversationDaily).where(viewFilter(conversationDaily, range, query)).groupBy(conversationDaily.day),
    db.select({ day: userDaily.day, n: sql<number>`count(distinct ${userDaily.userId})::int`.mapWith(Number) })
      .from(userDaily).where(viewFilter(userDaily, range, query)).groupBy(userDaily.day)
  ])
  const activeConversations = new Map(conversationsPerDay.map(r => [r.day, r.n]))
  const activeUsers = new Map(usersPerDay.map(r => [r.day, r.n]))
  const start = Date.parse(`${range.from}T00:00:00Z`)
  return Array.from({ length: range.days }, (_, i) => {
    const day = new Date(start + i * 86_400_000).toISOString().slice(0, 10)
    const kinds = Object.fromEntries(ConversationKind.options.map(k => [k, 0])) as Record<ConversationKind, number>
    for (const row of byKind) if (row.day === day) kinds[row.kind] += row.messages
    return {
      day,
      messages: Object.values(kinds).reduce((a, b) => a + b, 0),
      byKind: kinds,
      activeConversations: activeConversations.get(day) ?? 0,
      activeUsers: activeUsers.get(day) ?? 0
    }
  })
}

async function listBusiest(db: Database, range: DayRange, query: Filters, withNames: boolean) {
  const total = sql<number>`sum(${conversationDaily.messages})::int`.mapWith(Number)
  const rows = await db.select({
    conversationId: conversationDaily.conversationId,
    projectId: conversationDaily.projectId,
    kind: conversationDaily.kind,
    messages: total
  }).from(conversationDaily).where(viewFilter(conversationDaily, range, query))
    .groupBy(conversationDaily.conversationId, conversationDaily.projectId, conversationDaily.kind)
    .orderBy(desc(total), conversationDaily.conversationId).limit(BUSIEST_LIMIT)
  if (!withNames || rows.length === 0) return rows
  const names = await listConversationNames(db, rows.map(r => r.conversationId))
  return rows.map(r => ({ ...r, ...names.get(r.conversationId) }))
}

/** Titles and project names, for admins only: analysts never see names (contract §1). */
export async function listConversationNames(db: Database, ids: string[]) {
  const rows = await db.select({ id: conversations.id, title: conversations.title, projectName: projects.name })
    .from(conversations).innerJoin(projects, eq(projects.id, conversations.projectId))
    .where(inArray(conversations.id, ids))
  return new Map(rows.map(r => [r.id, { title: r.title, projectName: r.projectName }]))
}

/**
 * GET /admin/analytics/projects: the project filter's choices, for analysts too. Project names are the
 * organisation's labels, not people's: analysts still never see conversation titles, user names or members.
 */
export async function listAnalyticsProjects() {
  const db = await useDb()
  const rows = await db.select({ id: projects.id, name: projects.name }).from(projects).orderBy(projects.name, projects.id)
  return { projects: rows }
}
