import { bigint, boolean, date, doublePrecision, integer, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/**
 * The `analytics` schema: materialized views and their bookkeeping, created by the hand-written migration
 * drizzle/0005_analytics_views.sql. Declared outside schema/ so drizzle-kit neither generates nor drops them;
 * the views are `.existing()` for the same reason. Metric definitions: docs/analytics.md.
 */
export const analyticsSchema = pgSchema('analytics')

const kinds = ['project', 'support', 'announcement', 'group', 'dm'] as const

export const analyticsRefreshes = analyticsSchema.table('refreshes', {
  id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  trigger: text().notNull(),
  startedAt: timestamp({ withTimezone: true }).notNull(),
  finishedAt: timestamp({ withTimezone: true }).notNull(),
  durationMs: integer().notNull()
})

export const analyticsSettings = analyticsSchema.table('settings', {
  id: boolean().primaryKey(),
  firstResponseGapHours: doublePrecision().notNull()
})

export const messagesDaily = analyticsSchema.materializedView('messages_daily', {
  projectId: uuid('project_id').notNull(),
  kind: text('kind', { enum: kinds }).notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  messages: integer('messages').notNull()
}).existing()

export const conversationDaily = analyticsSchema.materializedView('conversation_daily', {
  conversationId: uuid('conversation_id').notNull(),
  projectId: uuid('project_id').notNull(),
  kind: text('kind', { enum: kinds }).notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  messages: integer('messages').notNull()
}).existing()

export const userDaily = analyticsSchema.materializedView('user_daily', {
  projectId: uuid('project_id').notNull(),
  kind: text('kind', { enum: kinds }).notNull(),
  userId: uuid('user_id').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  messages: integer('messages').notNull()
}).existing()

export const conversationFacts = analyticsSchema.materializedView('conversation_facts', {
  conversationId: uuid('conversation_id').notNull(),
  projectId: uuid('project_id').notNull(),
  kind: text('kind', { enum: kinds }).notNull(),
  participants: integer('participants').notNull()
}).existing()

export const clientThreads = analyticsSchema.materializedView('client_threads', {
  threadId: uuid('thread_id').notNull(),
  conversationId: uuid('conversation_id').notNull(),
  projectId: uuid('project_id').notNull(),
  kind: text('kind', { enum: kinds }).notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  respondedAt: timestamp('responded_at', { withTimezone: true }),
  responseSeconds: doublePrecision('response_seconds')
}).existing()
