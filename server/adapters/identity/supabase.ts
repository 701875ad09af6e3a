import { createClient } from '@supabase/supabase-js'
import type { SupabaseClient } from '@supabase/supabase-js'
import { eq, sql } from 'drizzle-orm'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import type { JWTPayload } from 'jose'
import WebSocket from 'ws'
import { users } from '../../db/schema'
import type { AppConfig } from '../../platform/config'
import { apiError, unauthorized } from '../../platform/errors'
import { useDb } from '../database/use-database'
import type { Identity, ProviderTokens } from './identity'

interface SupabaseClaims extends JWTPayload { sub: string, email?: string, session_id?: string }

/** Finds (or creates on first sight) the app user row for a Supabase Auth user. */
async function ensureUserForAuthUser(authUserId: string, email: string): Promise<string> {
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

function toTokens(session: { access_token: string, refresh_token: string, expires_at?: number }): ProviderTokens {
  return {
    accessToken: session.access_token,
    refreshToken: session.refresh_token,
    expiresAt: new Date((session.expires_at ?? Math.floor(Date.now() / 1000) + 3600) * 1000)
  }
}

/**
 * Supabase Auth (SUPABASE_URL): sign-in and refresh go through Supabase; its access tokens are verified here
 * with SUPABASE_JWT_SECRET or the project's JWKS, and Supabase owns passwords and token lifetimes.
 */
export function createSupabaseIdentity(config: AppConfig): Identity {
  let client: SupabaseClient | undefined
  const supabase = () => {
    if (!config.supabaseUrl || !config.supabaseAnonKey) throw apiError('unavailable', 'Identity provider is not configured')
    // Node 20 has no global WebSocket: supabase-js's realtime client needs one handed in (shared/notes/stack.md).
    client ??= createClient(config.supabaseUrl, config.supabaseAnonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as never }
    })
    return client
  }
  const jwks = config.supabaseJwtSecret ? undefined : createRemoteJWKSet(new URL('/auth/v1/.well-known/jwks.json', config.supabaseUrl))
  const secret = config.supabaseJwtSecret ? new TextEncoder().encode(config.supabaseJwtSecret) : undefined

  return {
    provider: 'supabase',
    async checkPassword(email, password) {
      const { data, error } = await supabase().auth.signInWithPassword({ email, password })
      if (error || !data.session || !data.user) return undefined
      return { userId: await ensureUserForAuthUser(data.user.id, data.user.email ?? email), tokens: toTokens(data.session) }
    },
    async verifyToken(token) {
      let claims: SupabaseClaims
      try {
        ;({ payload: claims } = secret
          ? await jwtVerify<SupabaseClaims>(token, secret, { audience: 'authenticated' })
          : await jwtVerify<SupabaseClaims>(token, jwks!, { audience: 'authenticated' }))
      } catch {
        return undefined
      }
      // Supabase owns sessions: a verified token is enough. First sight of a Supabase user creates their row.
      if (!claims.sub || !claims.email) return undefined
      const userId = await ensureUserForAuthUser(claims.sub, claims.email)
      return { userId, sessionId: claims.session_id ?? null, expiresAt: claims.exp ? claims.exp * 1000 : null }
    },
    async issueToken(_subject, tokens) {
      if (!tokens) throw unauthorized('Sign in again')
      return { token: tokens.accessToken, expiresAt: tokens.expiresAt }
    },
    async refreshToken(_subject, providerRefreshToken) {
      if (!providerRefreshToken) throw unauthorized('Session expired')
      const { data, error } = await supabase().auth.refreshSession({ refresh_token: providerRefreshToken })
      if (error || !data.session) throw unauthorized('Session expired')
      const tokens = toTokens(data.session)
      return { token: tokens.accessToken, expiresAt: tokens.expiresAt, providerRefreshToken: tokens.refreshToken }
    },
    // Supabase keeps passwords: accounts made here get none, and sign in through Supabase Auth.
    hashPassword: async () => null
  }
}
