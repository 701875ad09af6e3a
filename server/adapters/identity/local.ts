import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { jwtVerify, SignJWT } from 'jose'
import type { JWTPayload } from 'jose'
import { sessions, users } from '../../db/schema'
import { useConfig } from '../../platform/config'
import { readOrCreateSecret } from '../../platform/secrets'
import { preparedQuery, useDb } from '../database/use-database'
import type { Identity, TokenSubject } from './identity'
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './passwords'

const ISSUER = 'switchboard'

interface AccessClaims extends JWTPayload { sub: string, session_id?: string }

let appKey: Promise<CryptoKey> | undefined
/**
 * The HS256 key for app-signed tokens: AUTH_SECRET, or (embedded default only) a key kept under DATA_DIR.
 * Imported once: given raw bytes, jose imports a key again on every sign and verify, a cost every bearer
 * request and socket opening paid.
 */
function appSigningKey(): Promise<CryptoKey> {
  appKey ??= (async () => {
    const secret = readOrCreateSecret('auth-secret')
    if (secret.length < 32) throw new Error('AUTH_SECRET must be at least 32 characters')
    return crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
  })()
  return appKey
}

// Every verified token checks that its session is still live: prepared once per pooled connection.
const liveSessionQuery = preparedQuery(db => db.select({ id: sessions.id }).from(sessions)
  .where(and(eq(sessions.id, sql.placeholder('sessionId')), eq(sessions.userId, sql.placeholder('userId')),
    isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
  .prepare('live_session'))

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
    .sign(await appSigningKey())
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
        ;({ payload: claims } = await jwtVerify<AccessClaims>(token, await appSigningKey(), { issuer: ISSUER, audience: 'authenticated', algorithms: ['HS256'] }))
      } catch {
        return undefined
      }
      if (!claims.sub || !claims.session_id) return undefined
      // A revoked or expired session ends its tokens too, before they expire on their own.
      const [live] = await (await liveSessionQuery()).execute({ sessionId: claims.session_id, userId: claims.sub })
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
