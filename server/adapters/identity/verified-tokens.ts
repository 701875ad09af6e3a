/**
 * Signatures already checked, by token text, until the token expires. Every bearer request and every socket
 * opening verifies its token, and clients send the same token again and again (each REST call, each reconnect
 * of a reconnect storm). A check costs an HMAC at least (local tokens, node:crypto through fast-jwt) or a
 * WebCrypto job handed to the thread pool and back (Supabase's keys, through jose), which was a sixth of a socket
 * opening's CPU when local tokens went that way too.
 * Only the signature and claims check is remembered: whatever a verification must read live (for local tokens,
 * that the session is not revoked) still runs on every call. Bounded; the oldest entry goes first.
 */
export interface CheckedClaims { sub: string, sessionId: string | null, exp: number | null }

const MAX_ENTRIES = 20_000

export function createVerifiedTokenCache(maxEntries = MAX_ENTRIES) {
  const entries = new Map<string, CheckedClaims>()
  return {
    get(token: string, nowMs = Date.now()): CheckedClaims | undefined {
      const hit = entries.get(token)
      if (!hit) return undefined
      if (hit.exp !== null && hit.exp * 1000 <= nowMs) {
        entries.delete(token)
        return undefined
      }
      return hit
    },
    remember(token: string, claims: CheckedClaims) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(token, claims)
    },
    get size() {
      return entries.size
    }
  }
}
