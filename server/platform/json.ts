/**
 * JSON.parse for what clients send. An escape such as `\ud83d` without its pair parses to a lone surrogate,
 * which UTF-8 cannot encode: Postgres text columns quietly store U+FFFD, but jsonb refuses the escape, so a
 * reaction or a project name carrying one ended in a 500 (found by tests/server/fuzz.test.ts). Every string is
 * made well-formed here, once, as a text column would have stored it; RFC 7493 §2.1 excludes such strings.
 */
export function parseClientJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => typeof value === 'string' && !value.isWellFormed() ? value.toWellFormed() : value)
}
