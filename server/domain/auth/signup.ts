import type { H3Event } from 'h3'
import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { signupLinks, users } from '../../db/schema'
import type { Executor } from '../../adapters/database/database'
import { useDb } from '../../adapters/database/use-database'
import { isUniqueViolation } from '../../adapters/database/errors'
import { useIdentity } from '../../adapters/identity/use-identity'
import { newSecret, sha256 } from '../../platform/secrets'
import { conflict, notFound } from '../../platform/errors'
import { appendAudit } from '../audit/audit'
import { startSession } from './sessions'

const LINK_TTL_MS = 7 * 86_400_000

/** A one-time sign-up link for an account created for someone (the token is returned once, stored hashed). */
export async function createSignupLink(tx: Executor, userId: string, createdBy: string) {
  const token = newSecret(24)
  const expiresAt = new Date(Date.now() + LINK_TTL_MS)
  await tx.insert(signupLinks).values({ userId, tokenHash: sha256(token), createdBy, expiresAt })
  return { token, expiresAt }
}

/**
 * POST /auth/signup/:token: the new user sets their password (and may pick their handle) and is signed in.
 * The link is used up atomically, so two racing requests cannot both set a password.
 */
export async function redeemSignupLink(event: H3Event, token: string, body: { password: string, handle?: string }) {
  const db = await useDb()
  const passwordHash = await useIdentity().hashPassword(body.password)
  const user = await db.transaction(async (tx) => {
    const [link] = await tx.update(signupLinks).set({ usedAt: sql`now()` })
      .where(and(eq(signupLinks.tokenHash, sha256(token)), isNull(signupLinks.usedAt), gt(signupLinks.expiresAt, sql`now()`)))
      .returning()
    if (!link) throw notFound('Sign-up link not found, used or expired')
    const [updated] = await tx.update(users).set({ passwordHash, ...(body.handle ? { handle: body.handle } : {}) })
      .where(eq(users.id, link.userId)).returning()
    await appendAudit(tx, { actorId: link.userId, action: 'user.signup', targetType: 'user', targetId: link.userId })
    return updated!
  }).catch((error) => {
    if (isUniqueViolation(error)) throw conflict('This handle is taken')
    throw error
  })
  return startSession(event, user)
}
