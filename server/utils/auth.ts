import type { H3Event } from 'h3'
import { getCookie, getHeader } from 'h3'
import type { AuthUser } from '../domain/auth/users'
import { isSuspended } from '../domain/auth/users'
import { authenticateSessionCookie, authenticateToken, SESSION_COOKIE } from '../domain/auth/sessions'
import { apiError, unauthorized } from '../platform/errors'

/** The caller, from `Authorization: Bearer` or the session cookie; undefined when signed out. Cached per request. */
export async function getAuthUser(event: H3Event): Promise<AuthUser | undefined> {
  if (event.context.authResolved) return event.context.authUser as AuthUser | undefined
  const header = getHeader(event, 'authorization')
  let user: AuthUser | undefined
  if (header?.toLowerCase().startsWith('bearer ')) {
    user = (await authenticateToken(header.slice(7).trim()))?.user
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

/** A global admin; anyone else gets 404, so admin routes do not reveal that they exist. */
export async function requireAdmin(event: H3Event): Promise<AuthUser> {
  const user = await requireUser(event)
  if (user.role !== 'admin') throw apiError('not_found', 'Not found')
  return user
}

/** A global admin or analyst (contract §1: analysts reach the analytics endpoints only); anyone else gets 404. */
export async function requireAnalyticsReader(event: H3Event): Promise<AuthUser> {
  const user = await requireUser(event)
  if (user.role !== 'admin' && user.role !== 'analyst') throw apiError('not_found', 'Not found')
  return user
}
