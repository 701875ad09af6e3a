import { index, integer, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { appSchema } from './base'
import { users } from './users'

export const projectRole = appSchema.enum('project_role', ['owner', 'staff', 'client'])

export const projects = appSchema.table('projects', {
  id: uuid().primaryKey().defaultRandom(),
  slug: text().notNull(),
  name: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [uniqueIndex('projects_slug_idx').on(t.slug)])

export const projectMembers = appSchema.table('project_members', {
  projectId: uuid().notNull().references(() => projects.id, { onDelete: 'cascade' }),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  role: projectRole().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [
  primaryKey({ columns: [t.projectId, t.userId] }),
  index('project_members_user_id_idx').on(t.userId)
])

export const invites = appSchema.table('invites', {
  id: uuid().primaryKey().defaultRandom(),
  projectId: uuid().notNull().references(() => projects.id, { onDelete: 'cascade' }),
  role: projectRole().notNull(),
  // SHA-256 of the token: the token is shown once, at creation.
  tokenHash: text().notNull(),
  createdBy: uuid().notNull().references(() => users.id),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  maxUses: integer().notNull().default(1),
  uses: integer().notNull().default(0),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [
  uniqueIndex('invites_token_hash_idx').on(t.tokenHash),
  index('invites_project_id_idx').on(t.projectId)
])

/** A user's block of another: messages between them are refused as `undeliverable`. */
export const blocks = appSchema.table('blocks', {
  blockerId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  blockedId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [
  primaryKey({ columns: [t.blockerId, t.blockedId] }),
  index('blocks_blocked_id_idx').on(t.blockedId)
])
