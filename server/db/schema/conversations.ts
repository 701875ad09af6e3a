import { sql } from 'drizzle-orm'
import { index, integer, jsonb, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { appSchema } from './base'
import { projects } from './projects'
import { users } from './users'

export const conversationKind = appSchema.enum('conversation_kind', ['project', 'support', 'announcement', 'group', 'dm'])
export const conversationStatus = appSchema.enum('conversation_status', ['active', 'locked', 'archived'])
export const participantRole = appSchema.enum('participant_role', ['owner', 'member'])
export const notifyLevel = appSchema.enum('notify_level', ['all', 'mentions', 'none'])

export const conversations = appSchema.table('conversations', {
  id: uuid().primaryKey().defaultRandom(),
  projectId: uuid().notNull().references(() => projects.id, { onDelete: 'cascade' }),
  title: text().notNull(),
  kind: conversationKind().notNull(),
  status: conversationStatus().notNull().default('active'),
  // The seq counter: every write takes last_seq + 1 under this row's lock (server/utils/conversation-writes.ts).
  lastSeq: integer().notNull().default(0),
  // Events with seq <= pruned_seq were dropped by retention: a feed request older than that answers `reset`.
  prunedSeq: integer().notNull().default(0),
  lastMessageAt: timestamp({ withTimezone: true }),
  // For DMs only: the two user ids sorted and joined, so a DM between two people is unique.
  dmKey: text(),
  createdBy: uuid().references(() => users.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [
  // Not on last_message_at: every send batch updates it (and last_seq), and an update that touches no indexed
  // column can be HOT (no new index entries; the table's fillfactor leaves room, migration 0008). A project's
  // conversations are few enough to sort by activity after the index finds them.
  index('conversations_project_id_idx').on(t.projectId),
  uniqueIndex('conversations_dm_key_idx').on(t.projectId, t.dmKey).where(sql`${t.dmKey} is not null`)
])

export const conversationMembers = appSchema.table('conversation_members', {
  conversationId: uuid().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  role: participantRole().notNull().default('member'),
  lastReadSeq: integer().notNull().default(0),
  notifyLevel: notifyLevel().notNull().default('all'),
  joinedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  // Set when the participant is removed; the row stays for history and audit.
  leftAt: timestamp({ withTimezone: true })
}, t => [
  primaryKey({ columns: [t.conversationId, t.userId] }),
  index('conversation_members_user_id_idx').on(t.userId).where(sql`${t.leftAt} is null`)
])

/** The append-only change feed: one row per persisted change, seq gap-free per conversation. */
export const conversationEvents = appSchema.table('conversation_events', {
  conversationId: uuid().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  seq: integer().notNull(),
  type: text().notNull(),
  messageId: uuid(),
  payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [
  primaryKey({ columns: [t.conversationId, t.seq] }),
  index('conversation_events_created_at_idx').on(t.createdAt)
])
