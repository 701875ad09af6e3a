import { z } from 'zod'
import { graphemeLength, normalizeName } from '../text'

export const Uuid = z.uuid()
export const Handle = z.string().regex(/^[a-z0-9_.-]{2,32}$/, 'handle must be 2-32 of a-z 0-9 _ . -')

/** Postgres text cannot hold NUL, and no chat message needs one: refuse it at the edge. */
export const SafeText = (min: number, max: number) => z.string()
  .refine(s => !s.includes('\u0000'), 'must not contain NUL bytes')
  .transform(s => s.trim())
  .pipe(z.string().min(min).max(max))

/** Text whose length limit counts user-perceived characters (contract §6), trimmed, without NUL. */
export const GraphemeText = (min: number, max: number) => z.string()
  .refine(s => !s.includes('\u0000'), 'must not contain NUL bytes')
  .transform(s => s.trim())
  .superRefine((s, ctx) => {
    // Never fewer graphemes than UTF-16 units, and a non-empty string has at least one: most messages are
    // decided without segmenting them (this runs on every send).
    const fits = s.length <= max
    const longEnough = min <= 1 ? s.length >= min : graphemeLength(s, min) >= min
    if (!longEnough) ctx.addIssue({ code: 'custom', message: `must be at least ${min} characters` })
    if (!fits && graphemeLength(s, max) > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters` })
  })

/** A display name: NFC, bidi controls and stray invisible characters removed (shared/text.ts), 1-80 characters. */
export const DisplayName = z.string()
  .refine(s => !s.includes('\u0000'), 'must not contain NUL bytes')
  .transform(normalizeName)
  .refine(s => s.length > 0, 'must contain visible characters')
  .refine(s => graphemeLength(s, 80) <= 80, 'must be at most 80 characters')

/** Query-string integers: digits only, so "1e3", "-0" or "12abc" are refused rather than coerced. */
export const QueryInt = (min: number, max: number) => z.string()
  .regex(/^\d{1,10}$/, 'must be a non-negative integer')
  .transform(Number)
  .pipe(z.number().int().min(min).max(max))
