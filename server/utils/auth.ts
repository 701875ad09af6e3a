import type { H3Event } from 'h3'
import { deleteCookie, getCookie, getHeader, getRequestIP, setCookie } from 'h3'
import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { uuidv7 } from 'uuidv7'
import { sessions, users } from '../db/schema'
import type { PublicUser } from '../../shared/types'
import { useConfig } from './config'
import { useDb } from './db'
import { apiError, unauthorized } from './errors'
import { ensureUserForAuthUser, refreshProviderToken, signInWithIdentityProvider } from './identity'
import { DUMMY_PASSWORD_HASH, verifyPassword } from './passwords'
import { checkRate, penalize } from './rate-limit'
import { newSecret, sha256, signAccessToken, verifyAccessToken } from './tokens'

export const SESSION_COOKIE = 'sb_session'

export interface AuthUser extends PublicUser {
  sessionId: string | null
  suspendedUntil: Date | null
}

type UserRow = typeof users.$inferSelect

export function toPublicUser(row: Pick<UserRow, 'id' | 'email' | 'handle' | 'displayName' | 'avatarUrl' | 'role'>): PublicUser {
  return { id: row.id, email: row.email, handle: row.handle, displayName: row.displayName, avatarUrl: row.avatarUrl, role: row.role }
}

function toAuthUser(row: UserRow, sessionId: string | null): AuthUser {
  return { ...toPublicUser(row), sessionId, suspendedUntil: row.suspendedUntil }
}

export function isSuspended(user: { suspendedUntil: Date | null }): boolean {
  return user.suspendedUntil !== null && user.suspendedUntil.getTime() > Date.now()
}

async function liveSession(sessionId: string) {
  const db = await useDb()
  const [row] = await db.select({ id: sessions.id, userId: sessions.userId }).from(sessions)
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
  return row
}

/** Resolves a bearer token (app-signed or Supabase) to its user; undefined when invalid, expired or revoked. */
export async function authenticateToken(token: string): Promise<AuthUser | undefined> {
  const claims = await verifyAccessToken(token)
  if (!claims?.sub) return undefined
  const db = await useDb()
  if (useConfig().supabaseUrl) {
    // Supabase owns sessions: a verified token is enough. First sight of a Supabase user creates their row.
    const userId = claims.email ? await ensureUserForAuthUser(claims.sub, claims.email) : undefined
    const [row] = userId ? await db.select().from(users).where(eq(users.id, userId)) : []
    return row ? toAuthUser(row, claims.session_id ?? null) : undefined
  }
  if (!claims.session_id || !(await liveSession(claims.session_id))) return undefined
  const [row] = await db.select().from(users).where(eq(users.id, claims.sub))
  return row ? toAuthUser(row, claims.session_id) : undefined
}

/** Resolves the session cookie (`<sessionId>.<secret>`) to its user. */
export async function authenticateSessionCookie(value: string): Promise<AuthUser | undefined> {
  const db = await useDb()
  const [row] = await db.select({ user: users, sessionId: sessions.id }).from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sha256(value)), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
  return row ? toAuthUser(row.user, row.sessionId) : undefined
}

/** The caller, from `Authorization: Bearer` or the session cookie; undefined when signed out. */
export async function getAuthUser(event: H3Event): Promise<AuthUser | undefined> {
  if (event.context.authResolved) return event.context.authUser as AuthUser | undefined
  const header = getHeader(event, 'authorization')
  let user: AuthUser | undefined
  if (header?.toLowerCase().startsWith('bearer ')) {
    user = await authenticateToken(header.slice(7).trim())
  } else {
    const cookie = getCookie(event, SESSION_COOKIE)
    if (cookie) user = await authenticateSessionCookie(cookie)
  }
  event.context.authResolved = true
  event.context.authUser = user
  return user
}

/** The signed-in, unsuspended caller, or 401 / 403 suspended. */
export async function requireUser(event: H3Event): Promise<AuthUser> {
  const user = await getAuthUser(event)
  if (!user) throw unauthorized()
  if (isSuspended(user)) throw apiError('suspended', 'Your account is suspended')
  return user
}

export async function requireAdmin(event: H3Event): Promise<AuthUser> {
  const user = await requireUser(event)
  // Non-admins must not learn that admin routes exist.
  if (user.role !== 'admin') throw apiError('not_found', 'Not found')
  return user
}

function setSessionCookie(event: H3Event, value: string, expires: Date) {
  setCookie(event, SESSION_COOKIE, value, {
    httpOnly: true, sameSite: 'lax', secure: useConfig().production && !process.env.INSECURE_COOKIES, path: '/', expires
  })
}

/** Creates a session for the user, sets the cookie and returns the contract's `{ user, token, expiresAt }`. */
export async function startSession(event: H3Event, user: UserRow, providerRefreshToken?: string, providerToken?: { token: string, expiresAt: Date }) {
  const db = await useDb()
  const secret = newSecret()
  const expiresAt = new Date(Date.now() + useConfig().sessionTtlDays * 86_400_000)
  // The id is chosen here so the cookie (id.secret) and its hash go in with one insert.
  const sessionId = uuidv7()
  const cookieValue = `${sessionId}.${secret}`
  await db.insert(sessions).values({
    id: sessionId, userId: user.id, tokenHash: sha256(cookieValue), expiresAt, providerRefreshToken: providerRefreshToken ?? null
  })
  setSessionCookie(event, cookieValue, expiresAt)
  const access = providerToken ?? await signAccessToken({
    userId: user.id, email: user.email, globalRole: user.role, sessionId, handle: user.handle
  })
  return { user: toPublicUser(user), token: access.token, expiresAt: access.expiresAt.toISOString() }
}

/** POST /api/auth/login: failures are rate limited per IP+email and answered after the same scrypt work. */
export async function signIn(event: H3Event, email: string, password: string) {
  const { loginFailuresPerMinute } = useConfig().limits
  // X-Forwarded-For is client-controlled unless a proxy we trust overwrites it (TRUST_PROXY=true).
  const rateKey = `${getRequestIP(event, { xForwardedFor: useConfig().trustProxy }) ?? 'unknown'}:${email}`
  await checkRate('login', rateKey, loginFailuresPerMinute, 60, event)
  const db = await useDb()
  let user: UserRow | undefined
  let providerSession: Awaited<ReturnType<typeof signInWithIdentityProvider>>
  if (useConfig().supabaseUrl) {
    providerSession = await signInWithIdentityProvider(email, password)
    if (providerSession) [user] = await db.select().from(users).where(eq(users.id, providerSession.userId))
  } else {
    ;[user] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`)
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH)
    if (!ok) user = undefined
  }
  if (!user) {
    await penalize('login', rateKey, loginFailuresPerMinute, 60)
    throw unauthorized('Invalid email or password')
  }
  if (isSuspended(user)) throw apiError('suspended', 'Your account is suspended')
  return startSession(event, user, providerSession?.refreshToken, providerSession
    ? { token: providerSession.accessToken, expiresAt: providerSession.expiresAt }
    : undefined)
}

export async function signOut(event: H3Event) {
  const user = await getAuthUser(event)
  if (user?.sessionId) {
    const db = await useDb()
    await db.update(sessions).set({ revokedAt: sql`now()` }).where(eq(sessions.id, user.sessionId))
  }
  deleteCookie(event, SESSION_COOKIE, { path: '/' })
}

/** POST /api/auth/refresh: a fresh short-lived token for a session that is still valid. */
export async function refreshToken(event: H3Event) {
  const user = await requireUser(event)
  if (!user.sessionId) throw unauthorized('Session expired')
  const db = await useDb()
  const [session] = await db.select().from(sessions).where(eq(sessions.id, user.sessionId))
  if (!session || session.revokedAt) throw unauthorized('Session expired')
  if (useConfig().supabaseUrl) {
    const fresh = await refreshProviderToken(session.providerRefreshToken)
    await db.update(sessions).set({ providerRefreshToken: fresh.refreshToken }).where(eq(sessions.id, session.id))
    return { token: fresh.accessToken, expiresAt: fresh.expiresAt.toISOString() }
  }
  const access = await signAccessToken({ userId: user.id, email: user.email, globalRole: user.role, sessionId: session.id, handle: user.handle })
  return { token: access.token, expiresAt: access.expiresAt.toISOString() }
}
