import { z } from 'zod'
import { Handle, SafeText } from './common'

export const Email = z.string().max(254).pipe(z.email()).transform(e => e.toLowerCase())
export const Password = z.string().min(8).max(200).refine(s => !s.includes('\u0000'), 'must not contain NUL bytes')

export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(200) })

export const RedeemInviteBody = z.union([
  z.strictObject({
    email: Email,
    password: Password,
    displayName: SafeText(1, 80),
    handle: Handle.optional()
  }),
  z.strictObject({})
])
