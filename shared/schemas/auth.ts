import { z } from 'zod'
import { DisplayName, Handle } from './common'

export const Email = z.string().max(254).pipe(z.email()).transform(e => e.toLowerCase())
export const Password = z.string().min(8).max(200).refine(s => !s.includes('\u0000'), 'must not contain NUL bytes')

export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(200) })

/**
 * Signed out: email, password and displayName create the account. Signed in: `{}` joins. One strict object
 * (not a union) so a validation error names the field that is wrong.
 */
export const RedeemInviteBody = z.strictObject({
  email: Email.optional(),
  password: Password.optional(),
  displayName: DisplayName.optional(),
  handle: Handle.optional()
}).superRefine((body, ctx) => {
  if (Object.values(body).every(v => v === undefined)) return
  for (const key of ['email', 'password', 'displayName'] as const) {
    if (body[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'required to create an account' })
  }
})

/** Completing an account an admin created, through its one-time sign-up link. */
export const SignupBody = z.strictObject({ password: Password, handle: Handle.optional() })
