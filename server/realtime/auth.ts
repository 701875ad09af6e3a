import { authenticateSessionCookie, authenticateToken, SESSION_COOKIE } from '../domain/auth/sessions'
import type { AuthUser } from '../domain/auth/users'
import { isSuspended } from '../domain/auth/users'
import { isAllowedOrigin } from '../platform/origins'

export interface UpgradeRequest { url: string, headers: Headers }

function refuse(status: 401 | 403, text: string): never {
  // crossws turns a thrown Response into the HTTP answer: no socket is ever created.
  throw new Response(text, { status, headers: { 'content-type': 'text/plain' } })
}

function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return decodeURIComponent(rest.join('='))
  }
  return undefined
}

/**
 * Authenticates a WebSocket upgrade (contract §5): `?token=` (bearer), or the session cookie with an Origin
 * that exactly matches the allow-list (a missing, `null` or foreign Origin is 403 — the cookie alone would
 * let any site open a socket as the user). Returns the user and when their credential stops being valid.
 */
export async function authenticateUpgrade(request: UpgradeRequest): Promise<{ user: AuthUser, expiresAt: number | null }> {
  const url = new URL(request.url, 'http://localhost')
  const token = url.searchParams.get('token')
  let user: AuthUser | undefined
  let expiresAt: number | null = null
  if (token) {
    // One verification gives both the user and when the token stops being valid.
    const verified = await authenticateToken(token)
    user = verified?.user
    expiresAt = verified?.expiresAt ?? null
  } else {
    const cookie = cookieValue(request.headers.get('cookie'), SESSION_COOKIE)
    if (!cookie) refuse(401, 'Unauthorized')
    const origin = request.headers.get('origin')
    if (!isAllowedOrigin(origin, name => request.headers.get(name))) refuse(403, 'Forbidden origin')
    user = await authenticateSessionCookie(cookie)
  }
  if (!user) refuse(401, 'Unauthorized')
  if (isSuspended(user)) refuse(401, 'Suspended')
  return { user, expiresAt }
}
