import { sql } from 'drizzle-orm'
import { index, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { appSchema } from './base'

export const globalRole = appSchema.enum('global_role', ['admin', 'analyst', 'member'])

export const users = appSchema.table('users', {
  id: uuid().primaryKey().defaultRandom(),
  email: text().notNull(),
  handle: text().notNull(),
  displayName: text().notNull(),
  avatarUrl: text(),
  role: globalRole().notNull().default('member'),
  // Local accounts only; null when identity is Supabase Auth.
  passwordHash: text(),
  // Supabase Auth user id (`sub`) when identity is Supabase.
  authUserId: uuid(),
  suspendedUntil: timestamp({ withTimezone: true }),
  suspendedReason: text(),
  lastSeenAt: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [
  uniqueIndex('users_email_idx').on(sql`lower(${t.email})`),
  uniqueIndex('users_handle_idx').on(t.handle),
  uniqueIndex('users_auth_user_id_idx').on(t.authUserId)
])

/** A sign-in. Bearer tokens carry its id (`session_id`), so revoking it ends every token issued from it. */
export const sessions = appSchema.table('sessions', {
  id: uuid().primaryKey().defaultRandom(),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  // SHA-256 of the cookie secret; the secret itself is never stored.
  tokenHash: text().notNull(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  revokedAt: timestamp({ withTimezone: true }),
  // Supabase mode only: the provider's refresh token, so /api/auth/refresh can mint a new access token.
  providerRefreshToken: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [
  uniqueIndex('sessions_token_hash_idx').on(t.tokenHash),
  index('sessions_user_id_idx').on(t.userId)
])

/** One-time sign-up links for accounts an admin created: the new user sets their password through it. */
export const signupLinks = appSchema.table('signup_links', {
  id: uuid().primaryKey().defaultRandom(),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  // SHA-256 of the token in the link; the token itself is shown once, to the admin who made it.
  tokenHash: text().notNull(),
  createdBy: uuid().references(() => users.id),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  usedAt: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, t => [
  uniqueIndex('signup_links_token_hash_idx').on(t.tokenHash),
  index('signup_links_user_id_idx').on(t.userId)
])
