import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { createSigner, createVerifier } from 'fast-jwt'
import { sessions, users } from '../../db/schema'
import { useConfig } from '../../platform/config'
import { readOrCreateSecret } from '../../platform/secrets'
import { preparedQuery, useDb } from '../database/use-database'
import type { Identity, TokenSubject } from './identity'
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './passwords'
import { createVerifiedTokenCache } from './verified-tokens'

const ISSUER = 'switchboard'

interface AccessClaims { sub?: string, session_id?: string, exp?: number }

/**
 * HS256 for app-signed tokens, with AUTH_SECRET (or, embedded default only, a key kept under DATA_DIR). fast-jwt
 * signs and verifies with node:crypto's HMAC, synchronously; jose (kept for Supabase's remote keys) can only use
 * WebCrypto, whose HMAC is a job handed to the thread pool and back: a CPU profile of 5,000 socket openings put
 * 13% of the wave in jose's verify, and fast-jwt's took a quarter of that in the same run (docs/performance.md).
 * Made once.
 */
let tokenCodec: { sign: (payload: Record<string, unknown>) => string, verify: (token: string) => AccessClaims } | undefined
function appTokens() {
  if (tokenCodec) return tokenCodec
  const secret = readOrCreateSecret('auth-secret')
  if (secret.length < 32) throw new Error('AUTH_SECRET must be at least 32 characters')
  tokenCodec = {
    sign: createSigner({ key: secret, algorithm: 'HS256', iss: ISSUER, aud: 'authenticated', header: { alg: 'HS256', typ: 'JWT' } }),
    verify: createVerifier({ key: secret, algorithms: ['HS256'], allowedIss: ISSUER, allowedAud: 'authenticated' })
  }
  return tokenCodec
}

// Every verified token checks that its session is still live, and reads its user in the same round trip
// (the caller needs the user next): prepared once per pooled connection.
const liveSessionUserQuery = preparedQuery(db => db.select({ user: users }).from(sessions)
  .innerJoin(users, eq(users.id, sessions.userId))
  .where(and(eq(sessions.id, sql.placeholder('sessionId')), eq(sessions.userId, sql.placeholder('userId')),
    isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
  .prepare('live_session_user'))

const checkedTokens = createVerifiedTokenCache()

/** A short-lived access token with the Supabase claim shape (sub, email, role, app_metadata, session_id). */
async function signAccessToken({ user, sessionId }: TokenSubject) {
  const expiresAt = new Date(Date.now() + useConfig().tokenTtlSeconds * 1000)
  const token = appTokens().sign({
    sub: user.id,
    email: user.email,
    role: 'authenticated',
    session_id: sessionId,
    app_metadata: { provider: 'email', role: user.role },
    user_metadata: { handle: user.handle },
    exp: Math.floor(expiresAt.getTime() / 1000)
  })
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
      let claims = checkedTokens.get(token)
      if (!claims) {
        let payload: AccessClaims
        try {
          payload = appTokens().verify(token)
        } catch {
          return undefined
        }
        if (!payload.sub || !payload.session_id) return undefined
        claims = { sub: payload.sub, sessionId: payload.session_id, exp: payload.exp ?? null }
        checkedTokens.remember(token, claims)
      }
      // A revoked or expired session ends its tokens too, before they expire on their own.
      const [live] = await (await liveSessionUserQuery()).execute({ sessionId: claims.sessionId, userId: claims.sub })
      if (!live) return undefined
      return { userId: claims.sub, sessionId: claims.sessionId, expiresAt: claims.exp ? claims.exp * 1000 : null, user: live.user }
    },
    issueToken: subject => signAccessToken(subject),
    async refreshToken(subject) {
      return { ...(await signAccessToken(subject)), providerRefreshToken: null }
    },
    hashPassword
  }
}
