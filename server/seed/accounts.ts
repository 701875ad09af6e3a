import { sql } from 'drizzle-orm'
import type { Database } from '../adapters/database/database'
import { useIdentity } from '../adapters/identity/use-identity'
import { users } from '../db/schema'

export interface SeedAccount { email: string, password: string, displayName: string, handle: string, role: 'admin' | 'analyst' | 'member' }

/** Creates the account unless its email exists (never resets a password that someone may have changed). */
export async function ensureAccount(db: Database, account: SeedAccount) {
  const [existing] = await db.select().from(users).where(sql`lower(${users.email}) = ${account.email.toLowerCase()}`)
  if (existing) return existing
  const [created] = await db.insert(users).values({
    email: account.email.toLowerCase(),
    handle: account.handle,
    displayName: account.displayName,
    role: account.role,
    passwordHash: await useIdentity().hashPassword(account.password)
  }).onConflictDoNothing().returning()
  return created ?? (await db.select().from(users).where(sql`lower(${users.email}) = ${account.email.toLowerCase()}`))[0]!
}
