import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRemoteJWKSet, jwtVerify, SignJWT } from 'jose'
import type { JWTPayload } from 'jose'
import { useConfig } from './config'

/** Random opaque secret (cookie sessions, invite tokens), and the hash that is stored instead of it. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

let appKey: Uint8Array | undefined
/** The HS256 key for app-signed tokens: AUTH_SECRET, or (embedded default only) a key kept under DATA_DIR. */
function appSigningKey(): Uint8Array {
  if (appKey) return appKey
  const config = useConfig()
  let secret = config.authSecret
  if (!secret) {
    if (config.databaseUrl && config.production) throw new Error('AUTH_SECRET must be set when DATABASE_URL is set in production')
    const file = join(config.dataDir, 'auth-secret')
    if (!existsSync(file)) {
      mkdirSync(config.dataDir, { recursive: true })
      writeFileSync(file, newSecret(48), { mode: 0o600, flag: 'wx' })
    }
    secret = readFileSync(file, 'utf8').trim()
  }
  if (secret.length < 32) throw new Error('AUTH_SECRET must be at least 32 characters')
  appKey = new TextEncoder().encode(secret)
  return appKey
}

export interface AccessClaims extends JWTPayload {
  sub: string
  email?: string
  role?: string
  session_id?: string
  app_metadata?: { role?: string, provider?: string }
}

const ISSUER = 'switchboard'

/** Signs a short-lived access token with the Supabase claim shape (sub, email, role, app_metadata, session_id). */
export async function signAccessToken(input: { userId: string, email: string, globalRole: string, sessionId: string, handle: string }) {
  const ttl = useConfig().tokenTtlSeconds
  const expiresAt = new Date(Date.now() + ttl * 1000)
  const token = await new SignJWT({
    email: input.email,
    role: 'authenticated',
    aud: 'authenticated',
    session_id: input.sessionId,
    app_metadata: { provider: 'email', role: input.globalRole },
    user_metadata: { handle: input.handle }
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(input.userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(appSigningKey())
  return { token, expiresAt }
}

let supabaseJwks: ReturnType<typeof createRemoteJWKSet> | undefined

/** Verifies a bearer token: app-signed in embedded mode; Supabase's (JWT secret or JWKS) in Supabase mode. */
export async function verifyAccessToken(token: string): Promise<AccessClaims | undefined> {
  const config = useConfig()
  try {
    if (config.supabaseUrl) {
      if (config.supabaseJwtSecret) {
        const { payload } = await jwtVerify(token, new TextEncoder().encode(config.supabaseJwtSecret), { audience: 'authenticated' })
        return payload as AccessClaims
      }
      supabaseJwks ??= createRemoteJWKSet(new URL('/auth/v1/.well-known/jwks.json', config.supabaseUrl))
      const { payload } = await jwtVerify(token, supabaseJwks, { audience: 'authenticated' })
      return payload as AccessClaims
    }
    const { payload } = await jwtVerify(token, appSigningKey(), { issuer: ISSUER, audience: 'authenticated', algorithms: ['HS256'] })
    return payload as AccessClaims
  } catch {
    return undefined
  }
}
