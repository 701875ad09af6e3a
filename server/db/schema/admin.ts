import { bigint, index, integer, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { appSchema } from './base'
import { users } from './users'

/**
 * One admin export while it streams and after: what was asked for, how far it got, how it ended. The audit log
 * records that an export was started (append-only); this row is the mutable side the exports page polls for its
 * progress bar, and it works across instances because the download and the poll may land on different ones.
 */
export const exportRuns = appSchema.table('export_runs', {
  /** Chosen by the page (a UUID in `?exportId=`) so it can poll before the download's headers reach it. */
  id: uuid().primaryKey().defaultRandom(),
  actorId: uuid().notNull().references(() => users.id),
  /** `conversation` or `project`. */
  scope: text().notNull(),
  targetId: uuid().notNull(),
  projectId: uuid().notNull(),
  format: text().notNull(),
  parameters: jsonb().$type<{ from: string | null, to: string | null }>().notNull(),
  /** `running`, then `completed`, `failed` or `abandoned` (the client went away). */
  status: text().notNull().default('running'),
  messagesTotal: integer().notNull(),
  messagesWritten: integer().notNull().default(0),
  filesTotal: integer().notNull().default(0),
  filesWritten: integer().notNull().default(0),
  bytesWritten: bigint({ mode: 'number' }).notNull().default(0),
  startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp({ withTimezone: true })
}, t => [
  index('export_runs_started_at_idx').on(t.startedAt, t.id)
])
