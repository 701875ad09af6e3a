/** A run of message text: plain text, or a link whose href passed the scheme allow-list. */
export type TextToken = { type: 'text', text: string } | { type: 'link', text: string, href: string }

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])
// Only these schemes are ever candidates; anything else (javascript:, data:, vbscript:, …) never leaves the text.
const CANDIDATE = /\b(?:https?:\/\/|mailto:)[^\s<>"'`]+/gi
const TRAILING_PUNCTUATION = /[.,;:!?'"]+$/

/** Drops sentence punctuation and an unbalanced closing parenthesis from the end of a URL candidate. */
function trimCandidate(raw: string): string {
  let url = raw.replace(TRAILING_PUNCTUATION, '')
  while (url.endsWith(')') && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) {
    url = url.slice(0, -1).replace(TRAILING_PUNCTUATION, '')
  }
  return url
}

function safeHref(candidate: string): string | undefined {
  try {
    const url = new URL(candidate)
    if (!ALLOWED_PROTOCOLS.has(url.protocol)) return undefined
    if (url.protocol !== 'mailto:' && !url.hostname) return undefined
    if (url.protocol === 'mailto:' && url.pathname.length === 0) return undefined
    return url.href
  } catch {
    return undefined
  }
}

/**
 * Splits user text into text and link tokens, for rendering as text nodes and <a> elements (never v-html).
 * Adjacent text runs are merged, so the output is the shortest token list that reproduces the input.
 */
export function linkify(input: string): TextToken[] {
  const tokens: TextToken[] = []
  const pushText = (text: string) => {
    if (!text) return
    const last = tokens[tokens.length - 1]
    if (last?.type === 'text') last.text += text
    else tokens.push({ type: 'text', text })
  }
  let cursor = 0
  for (const match of input.matchAll(CANDIDATE)) {
    const start = match.index
    const text = trimCandidate(match[0])
    const href = safeHref(text)
    if (!href) continue
    pushText(input.slice(cursor, start))
    tokens.push({ type: 'link', text, href })
    cursor = start + text.length
  }
  pushText(input.slice(cursor))
  return tokens
}
