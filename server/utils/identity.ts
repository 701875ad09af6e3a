import { createClient } from '@supabase/supabase-js'
import type { SupabaseClient } from '@supabase/supabase-js'
import { eq, sql } from 'drizzle-orm'
import WebSocket from 'ws'
import { users } from '../db/schema'
import { useConfig } from './config'
import { useDb } from './db'
import { apiError, unauthorized } from './errors'

/**
 * The Supabase side of the identity adapter. Local accounts (the embedded default) are handled in auth.ts
 * with scrypt hashes and app-signed tokens; with SUPABASE_URL set, sign-in and refresh go through Supabase Auth
 * and the server only verifies Supabase's access tokens (tokens.ts).
 */
let client: SupabaseClient | undefined
function supabase(): SupabaseClient {
  const config = useConfig()
  if (!config.supabaseUrl || !config.supabaseAnonKey) throw apiError('unavailable', 'Identity provider is not configured')
  // Node 20 has no global WebSocket: supabase-js's realtime client needs one handed in (shared/notes/stack.md).
  client ??= createClient(config.supabaseUrl, config.supabaseAnonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never }
  })
  return client
}

export interface ProviderSession { userId: string, accessToken: string, refreshToken: string, expiresAt: Date }

/** Finds (or creates on first sign-in) the app user row for a Supabase Auth user. */
export async function ensureUserForAuthUser(authUserId: string, email: string): Promise<string> {
  const db = await useDb()
  const [byAuth] = await db.select({ id: users.id }).from(users).where(eq(users.authUserId, authUserId))
  if (byAuth) return byAuth.id
  const [byEmail] = await db.update(users).set({ authUserId })
    .where(sql`lower(${users.email}) = ${email.toLowerCase()} and ${users.authUserId} is null`).returning({ id: users.id })
  if (byEmail) return byEmail.id
  const base = email.split('@')[0]!.toLowerCase().replace(/[^a-z0-9_.-]/g, '').slice(0, 24).padEnd(2, '0')
  const [created] = await db.insert(users).values({
    email: email.toLowerCase(), handle: `${base}-${authUserId.slice(0, 6)}`, displayName: base, authUserId
  }).returning({ id: users.id })
  return created!.id
}

export async function signInWithIdentityProvider(email: string, password: string): Promise<ProviderSession | undefined> {
  const { data, error } = await supabase().auth.signInWithPassword({ email, password })
  if (error || !data.session || !data.user) return undefined
  const userId = await ensureUserForAuthUser(data.user.id, data.user.email ?? email)
  return {
    userId,
    accessToken: data.session.access_token,
    refreshToken: data.session.refresh_token,
    expiresAt: new Date((data.session.expires_at ?? Math.floor(Date.now() / 1000) + 3600) * 1000)
  }
}

export async function refreshProviderToken(refreshToken: string | null): Promise<Omit<ProviderSession, 'userId'>> {
  if (!refreshToken) throw unauthorized('Session expired')
  const { data, error } = await supabase().auth.refreshSession({ refresh_token: refreshToken })
  if (error || !data.session) throw unauthorized('Session expired')
  return {
    accessToken: data.session.access_token,
    refreshToken: data.session.refresh_token,
    expiresAt: new Date((data.session.expires_at ?? Math.floor(Date.now() / 1000) + 3600) * 1000)
  }
}
