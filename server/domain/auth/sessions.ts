import type { H3Event } from 'h3'
import { deleteCookie, getRequestIP, setCookie } from 'h3'
import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { uuidv7 } from 'uuidv7'
import { sessions, users } from '../../db/schema'
import { preparedQuery, useDb } from '../../adapters/database/use-database'
import type { ProviderTokens } from '../../adapters/identity/identity'
import { useIdentity } from '../../adapters/identity/use-identity'
import { useConfig } from '../../platform/config'
import { backoff, checkRate, penalize } from '../../adapters/rate-limit'
import { newSecret, sha256 } from '../../platform/secrets'
import { apiError, unauthorized } from '../../platform/errors'
import type { AuthUser, UserRow } from './users'
import { isSuspended, toAuthUser, toPublicUser } from './users'

export const SESSION_COOKIE = 'sb_session'

/** Resolves a bearer token to its user and when the token expires; undefined when invalid, expired or revoked. */
export async function authenticateToken(token: string): Promise<{ user: AuthUser, expiresAt: number | null } | undefined> {
  const verified = await useIdentity().verifyToken(token)
  if (!verified) return undefined
  const row = verified.user ?? (await (await userByIdQuery()).execute({ userId: verified.userId }))[0]
  return row ? { user: toAuthUser(row, verified.sessionId), expiresAt: verified.expiresAt } : undefined
}

// Every bearer request and every socket opening looks its user up: prepared once per pooled connection.
const userByIdQuery = preparedQuery(db => db.select().from(users).where(eq(users.id, sql.placeholder('userId'))).prepare('user_by_id'))

// The browser client authenticates every request and every socket opening with its cookie: prepared once per
// pooled connection, like the bearer token's session check.
const liveCookieSessionQuery = preparedQuery(db => db.select({ user: users, sessionId: sessions.id }).from(sessions)
  .innerJoin(users, eq(users.id, sessions.userId))
  .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
  .prepare('live_cookie_session'))

/** Resolves the session cookie (`<sessionId>.<secret>`) to its user. */
export async function authenticateSessionCookie(value: string): Promise<AuthUser | undefined> {
  const [row] = await (await liveCookieSessionQuery()).execute({ tokenHash: sha256(value) })
  return row ? toAuthUser(row.user, row.sessionId) : undefined
}

function setSessionCookie(event: H3Event, value: string, expires: Date) {
  const config = useConfig()
  setCookie(event, SESSION_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: config.production && !config.insecureCookies, path: '/', expires })
}

/** Creates a session for the user, sets the cookie and returns the contract's `{ user, token, expiresAt }`. */
export async function startSession(event: H3Event, user: UserRow, tokens?: ProviderTokens) {
  const db = await useDb()
  const expiresAt = new Date(Date.now() + useConfig().sessionTtlDays * 86_400_000)
  // The id is chosen here so the cookie (id.secret) and its hash go in with one insert.
  const sessionId = uuidv7()
  const cookieValue = `${sessionId}.${newSecret()}`
  await db.insert(sessions).values({
    id: sessionId, userId: user.id, tokenHash: sha256(cookieValue), expiresAt, providerRefreshToken: tokens?.refreshToken ?? null
  })
  setSessionCookie(event, cookieValue, expiresAt)
  const access = await useIdentity().issueToken({ user, sessionId }, tokens)
  return { user: toPublicUser(user), token: access.token, expiresAt: access.expiresAt.toISOString() }
}

/**
 * Password guessing, three ways: per IP and email (one person retrying), per IP across emails (one machine
 * trying a password on many accounts) and per account across IPs (many machines on one account, slowed down
 * exponentially). Only failures count; a success clears the account's back-off.
 */
function signInGuards(event: H3Event, email: string) {
  const { limits, trustProxy } = useConfig()
  // X-Forwarded-For is client-controlled unless a proxy we trust overwrites it (TRUST_PROXY=true).
  const ip = getRequestIP(event, { xForwardedFor: trustProxy }) ?? 'unknown'
  const account = email.toLowerCase()
  const perAccount = backoff('login-account', limits.loginBackoffAfter, limits.loginBackoffMaxSeconds)
  return {
    async check() {
      await checkRate('login', `${ip}:${account}`, limits.loginFailuresPerMinute, 60, event)
      await checkRate('login-ip', ip, limits.loginFailuresPerIpPerHour, 3600, event)
      await perAccount.check(account, event)
    },
    async failed() {
      await Promise.all([
        penalize('login', `${ip}:${account}`, limits.loginFailuresPerMinute, 60),
        penalize('login-ip', ip, limits.loginFailuresPerIpPerHour, 3600),
        perAccount.fail(account)
      ])
    },
    succeeded: () => perAccount.clear(account)
  }
}

/**
 * Checks a password for sign-in (and for joining through an invite with an existing account): the same password
 * work whether or not the account exists, and the same answer for an unknown email and a wrong password.
 */
export async function verifyCredentials(event: H3Event, email: string, password: string) {
  const guards = signInGuards(event, email)
  await guards.check()
  const checked = await useIdentity().checkPassword(email, password)
  const db = await useDb()
  const [user] = checked ? await db.select().from(users).where(eq(users.id, checked.userId)) : []
  if (!user) {
    await guards.failed()
    throw unauthorized('Invalid email or password')
  }
  await guards.succeeded()
  if (isSuspended(user)) throw apiError('suspended', 'Your account is suspended')
  return { user, tokens: checked?.tokens }
}

/** POST /api/auth/login. */
export async function signIn(event: H3Event, email: string, password: string) {
  const { user, tokens } = await verifyCredentials(event, email, password)
  return startSession(event, user, tokens)
}

/** Revokes the caller's session (its tokens stop working at once) and clears the cookie. */
export async function signOut(event: H3Event, user: AuthUser | undefined) {
  if (user?.sessionId) {
    const db = await useDb()
    await db.update(sessions).set({ revokedAt: sql`now()` }).where(eq(sessions.id, user.sessionId))
  }
  deleteCookie(event, SESSION_COOKIE, { path: '/' })
}

/** A fresh short-lived token for a session that is still valid (POST /api/auth/refresh, invite redemption). */
export async function refreshAccessToken(user: AuthUser) {
  if (!user.sessionId) throw unauthorized('Session expired')
  const db = await useDb()
  const [session] = await db.select().from(sessions).where(eq(sessions.id, user.sessionId))
  if (!session || session.revokedAt) throw unauthorized('Session expired')
  const fresh = await useIdentity().refreshToken({ user, sessionId: session.id }, session.providerRefreshToken)
  if (fresh.providerRefreshToken && fresh.providerRefreshToken !== session.providerRefreshToken) {
    await db.update(sessions).set({ providerRefreshToken: fresh.providerRefreshToken }).where(eq(sessions.id, session.id))
  }
  return { token: fresh.token, expiresAt: fresh.expiresAt.toISOString() }
}
