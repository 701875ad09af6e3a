/** Walks an error and its causes (Drizzle wraps driver errors; postgres.js and PGlite name codes alike). */
function someCause(error: unknown, test: (e: { code: string, message: string }) => boolean): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '')
    if (test({ code, message: String((e as { message?: unknown }).message ?? '') })) return true
  }
  return false
}

/** Postgres unique_violation, from postgres.js or PGlite, wrapped by Drizzle or not. */
export function isUniqueViolation(error: unknown): boolean {
  return someCause(error, e => e.code === '23505')
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT'])

/** Connection-level failures (refused, reset, admin shutdown, too many clients), not query errors. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return someCause(error, ({ code, message }) => CONNECTION_CODES.has(code)
    || code.startsWith('08') || code === '57P01' || code === '57P03' || code === '53300'
    || (code === '55000' && /accepting connections/.test(message)))
}
