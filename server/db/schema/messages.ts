import { sql } from 'drizzle-orm'
import { bigint, boolean, index, integer, jsonb, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import type { ReportEvidence } from '../../../shared/types'
import type { BlockedReason } from '../../../shared/files'
import { appSchema } from './base'
import { conversations } from './conversations'
import { users } from './users'

export const messageType = appSchema.enum('message_type', ['text', 'file', 'system'])
export const fileStatus = appSchema.enum('file_status', ['pending_upload', 'pending_scan', 'available', 'blocked'])
export const reportStatus = appSchema.enum('report_status', ['open', 'resolved', 'dismissed'])

export const messages = appSchema.table('messages', {
  // UUIDv7, generated in the app (PostgreSQL 15 has no uuidv7()), so ids sort by time.
  id: uuid().primaryKey(),
  conversationId: uuid().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  seq: integer().notNull(),
  senderId: uuid().notNull().references(() => users.id),
  clientId: text().notNull(),
  type: messageType().notNull().default('text'),
  content: text().notNull(),
  replyToId: uuid(),
  mentions: uuid().array().notNull().default(sql`'{}'::uuid[]`),
  metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  editedAt: timestamp({ withTimezone: true }),
  deletedAt: timestamp({ withTimezone: true }),
  deletedBy: uuid().references(() => users.id),
  deleteReason: text()
}, t => [
  // Keyset pagination and unread counts both walk this index.
  uniqueIndex('messages_conversation_id_seq_idx').on(t.conversationId, t.seq),
  // Idempotent sends: a retry with the same clientId can never insert a second row, even when racing.
  uniqueIndex('messages_sender_id_client_id_idx').on(t.senderId, t.clientId),
  index('messages_mentions_idx').using('gin', t.mentions)
])

export const messageEdits = appSchema.table('message_edits', {
  id: uuid().primaryKey().defaultRandom(),
  messageId: uuid().notNull().references(() => messages.id, { onDelete: 'cascade' }),
  previousContent: text().notNull(),
  editedBy: uuid().notNull().references(() => users.id),
  editedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [index('message_edits_message_id_idx').on(t.messageId, t.editedAt)])

export const reactions = appSchema.table('reactions', {
  messageId: uuid().notNull().references(() => messages.id, { onDelete: 'cascade' }),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  emoji: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [primaryKey({ columns: [t.messageId, t.emoji, t.userId] })])

export const files = appSchema.table('files', {
  id: uuid().primaryKey().defaultRandom(),
  conversationId: uuid().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  messageId: uuid().references(() => messages.id, { onDelete: 'set null' }),
  uploaderId: uuid().notNull().references(() => users.id),
  fileName: text().notNull(),
  size: bigint({ mode: 'number' }).notNull(),
  mimeType: text().notNull(),
  sha256: text(),
  status: fileStatus().notNull().default('pending_upload'),
  // {projectId}/{conversationId}/{fileId}: made by the server, never from the file name.
  storageKey: text().notNull(),
  /**
   * The signed upload's deadline, until files.sweep has passed it: a file still pending_upload then is removed,
   * and a completed one loses whatever a late PUT left under its upload key.
   */
  uploadExpiresAt: timestamp({ withTimezone: true }),
  completedAt: timestamp({ withTimezone: true }),
  scannedAt: timestamp({ withTimezone: true }),
  /** clamd passed the bytes (false: no scanner configured, type and size checks only). */
  virusScanned: boolean().notNull().default(false),
  blockedReason: text().$type<BlockedReason>(),
  /** What the scan found, for admins only: the signature name, or the type the bytes turned out to be. */
  scanDetail: text(),
  thumbnailKey: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [
  index('files_conversation_id_idx').on(t.conversationId),
  index('files_message_id_idx').on(t.messageId),
  // The admins' quarantine list, newest first, and the expiry sweep: both read a small slice of the table.
  index('files_blocked_idx').on(t.createdAt, t.id).where(sql`${t.status} = 'blocked'`),
  index('files_upload_window_idx').on(t.uploadExpiresAt).where(sql`${t.uploadExpiresAt} IS NOT NULL`)
])

export const reports = appSchema.table('reports', {
  id: uuid().primaryKey().defaultRandom(),
  messageId: uuid().notNull().references(() => messages.id, { onDelete: 'cascade' }),
  conversationId: uuid().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  reporterId: uuid().notNull().references(() => users.id),
  reason: text().notNull(),
  description: text(),
  status: reportStatus().notNull().default('open'),
  // Frozen at report time: later edits or deletes of the message do not change it.
  evidence: jsonb().$type<ReportEvidence>().notNull(),
  resolvedBy: uuid().references(() => users.id),
  resolvedAt: timestamp({ withTimezone: true }),
  resolution: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [
  index('reports_status_idx').on(t.status, t.createdAt),
  uniqueIndex('reports_message_id_reporter_id_idx').on(t.messageId, t.reporterId)
])

/** Append-only: a trigger refuses UPDATE and DELETE (drizzle/0001_audit_log_append_only.sql). */
export const auditLog = appSchema.table('audit_log', {
  id: uuid().primaryKey().defaultRandom(),
  actorId: uuid(),
  action: text().notNull(),
  targetType: text().notNull(),
  targetId: text(),
  projectId: uuid(),
  /** Why (moderation actions require one). */
  reason: text(),
  /** The X-Request-Id of the request that made the change, to join audit rows with logs. */
  requestId: text(),
  details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [
  index('audit_log_created_at_idx').on(t.createdAt, t.id),
  index('audit_log_actor_id_idx').on(t.actorId, t.createdAt),
  index('audit_log_target_idx').on(t.targetType, t.targetId, t.createdAt),
  index('audit_log_action_idx').on(t.action, t.createdAt)
])
