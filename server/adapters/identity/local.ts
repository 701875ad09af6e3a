import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { jwtVerify, SignJWT } from 'jose'
import type { JWTPayload } from 'jose'
import { sessions, users } from '../../db/schema'
import { useConfig } from '../../platform/config'
import { readOrCreateSecret } from '../../platform/secrets'
import { useDb } from '../database/use-database'
import type { Identity, TokenSubject } from './identity'
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './passwords'

const ISSUER = 'switchboard'

interface AccessClaims extends JWTPayload { sub: string, session_id?: string }

let appKey: Uint8Array | undefined
/** The HS256 key for app-signed tokens: AUTH_SECRET, or (embedded default only) a key kept under DATA_DIR. */
function appSigningKey(): Uint8Array {
  if (appKey) return appKey
  const secret = readOrCreateSecret('auth-secret')
  if (secret.length < 32) throw new Error('AUTH_SECRET must be at least 32 characters')
  appKey = new TextEncoder().encode(secret)
  return appKey
}

/** A short-lived access token with the Supabase claim shape (sub, email, role, app_metadata, session_id). */
async function signAccessToken({ user, sessionId }: TokenSubject) {
  const expiresAt = new Date(Date.now() + useConfig().tokenTtlSeconds * 1000)
  const token = await new SignJWT({
    email: user.email,
    role: 'authenticated',
    aud: 'authenticated',
    session_id: sessionId,
    app_metadata: { provider: 'email', role: user.role },
    user_metadata: { handle: user.handle }
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(appSigningKey())
  return { token, expiresAt }
}

/** Local accounts (the embedded default): scrypt hashes in the users table, tokens signed by this app. */
export function createLocalIdentity(): Identity {
  return {
    provider: 'local',
    async checkPassword(email, password) {
      const db = await useDb()
      const [user] = await db.select({ id: users.id, passwordHash: users.passwordHash }).from(users)
        .where(sql`lower(${users.email}) = ${email.toLowerCase()}`)
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH)
      return ok && user ? { userId: user.id } : undefined
    },
    async verifyToken(token) {
      let claims: AccessClaims
      try {
        ;({ payload: claims } = await jwtVerify<AccessClaims>(token, appSigningKey(), { issuer: ISSUER, audience: 'authenticated', algorithms: ['HS256'] }))
      } catch {
        return undefined
      }
      if (!claims.sub || !claims.session_id) return undefined
      const db = await useDb()
      // A revoked or expired session ends its tokens too, before they expire on their own.
      const [live] = await db.select({ id: sessions.id }).from(sessions)
        .where(and(eq(sessions.id, claims.session_id), eq(sessions.userId, claims.sub), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
      if (!live) return undefined
      return { userId: claims.sub, sessionId: claims.session_id, expiresAt: claims.exp ? claims.exp * 1000 : null }
    },
    issueToken: subject => signAccessToken(subject),
    async refreshToken(subject) {
      return { ...(await signAccessToken(subject)), providerRefreshToken: null }
    },
    hashPassword
  }
}
