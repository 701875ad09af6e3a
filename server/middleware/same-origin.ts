import { apiError } from '../platform/errors'
import { isAllowedOrigin } from '../platform/origins'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Cross-site request forgery: an unsafe API request that a browser could send with the session cookie must come
 * from one of our origins. SameSite=Lax alone let a page elsewhere POST a `text/plain` body as the user. The
 * Origin header decides when present (browsers send it on every unsafe request), else Sec-Fetch-Site; a request
 * with neither is not from a browser page. Bearer requests are exempt: no other site can make a browser attach
 * that header. Sign-in and invite redemption are checked too, so no page can sign a visitor in as someone else.
 */
export default defineEventHandler((event) => {
  if (SAFE_METHODS.has(event.method) || !event.path.startsWith('/api/')) return
  if (getRequestHeader(event, 'authorization')?.toLowerCase().startsWith('bearer ')) return
  const origin = getRequestHeader(event, 'origin')
  if (origin !== undefined) {
    if (isAllowedOrigin(origin, name => getRequestHeader(event, name))) return
    throw apiError('forbidden', 'Cross-site request refused')
  }
  const site = getRequestHeader(event, 'sec-fetch-site')
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw apiError('forbidden', 'Cross-site request refused')
})
