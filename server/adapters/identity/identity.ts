import type { users } from '../../db/schema'

/** Tokens a provider issued for a sign-in (Supabase Auth); local accounts have none. */
export interface ProviderTokens { accessToken: string, refreshToken: string, expiresAt: Date }

export interface IssuedToken { token: string, expiresAt: Date }

/**
 * A bearer token that checked out: whose it is (our user id), its session, and when it stops being valid; and
 * the user's row when the check read it anyway (local tokens: the session check joins it), so callers skip
 * a lookup.
 */
export interface VerifiedToken { userId: string, sessionId: string | null, expiresAt: number | null, user?: typeof users.$inferSelect }

export interface TokenSubject {
  user: { id: string, email: string, role: string, handle: string }
  sessionId: string
}

/**
 * Who people are: local accounts (scrypt hashes, app-signed tokens) or Supabase Auth. Both answer with our own
 * user ids (a Supabase user gets a row on first sight), so nothing above this interface knows which one runs.
 * Sessions (the cookie, revocation) stay in the app's database in both modes.
 */
export interface Identity {
  readonly provider: 'local' | 'supabase'
  /** The user id for a correct email and password, else undefined (after the same work, so timing does not tell). */
  checkPassword(email: string, password: string): Promise<{ userId: string, tokens?: ProviderTokens } | undefined>
  /** Verifies signature, audience and expiry (and for local tokens that the session is still live). */
  verifyToken(token: string): Promise<VerifiedToken | undefined>
  /** The access token of a new session: signed here, or the one the provider issued at sign-in. */
  issueToken(subject: TokenSubject, tokens?: ProviderTokens): Promise<IssuedToken>
  /** A fresh access token for a live session; `providerRefreshToken` is the provider's rotated one, if any. */
  refreshToken(subject: TokenSubject, providerRefreshToken: string | null): Promise<IssuedToken & { providerRefreshToken: string | null }>
  /** What to store for a password set through this app (invites, seeds); null when the provider keeps passwords. */
  hashPassword(password: string): Promise<string | null>
}
