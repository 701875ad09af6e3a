/**
 * JSON.parse for what clients send. An escape such as `\ud83d` without its pair parses to a lone surrogate,
 * which UTF-8 cannot encode: Postgres text columns quietly store U+FFFD, but jsonb refuses the escape, so a
 * reaction or a project name carrying one ended in a 500 (found by tests/server/fuzz.test.ts). Every string is
 * made well-formed here, once, as a text column would have stored it; RFC 7493 §2.1 excludes such strings.
 *
 * A reviver sends every value of the document through a call, which made this the most expensive step of a
 * frame's handling before its op; a string can only come out ill-formed from a `\u` escape or from ill-formed
 * text, so text with neither (nearly all of it) takes plain JSON.parse.
 */
export function parseClientJson(text: string): unknown {
  if (!text.includes('\\u') && text.isWellFormed()) return JSON.parse(text)
  return JSON.parse(text, (_key, value: unknown) => typeof value === 'string' && !value.isWellFormed() ? value.toWellFormed() : value)
}
