/** What is being completed at the caret: the trigger character at `start`, the query up to `end` (the caret). */
export interface CompletionTrigger { char: string, query: string, start: number, end: number }
export interface CompletionItem { id: string, label: string, detail?: string, emoji?: string, insert: string }

// Characters a query may hold: shortcodes (`+1`, `thumbs_up`) and handles (`[a-z0-9_.-]`, contract §3).
const QUERY_CHAR = /[\w.+-]/
// A trigger opens only at the start of a word, so `10:30`, `ops@example.com` and `a:b` stay text.
const WORD_START = /[\s([{"'“‘]/

/** The trigger being typed at `caret`, if any: one of `chars`, at a word start, then query characters only. */
export function findTrigger(text: string, caret: number, chars: readonly string[]): CompletionTrigger | null {
  let start = caret
  while (start > 0 && QUERY_CHAR.test(text[start - 1]!)) start--
  const char = text[start - 1]
  if (!char || !chars.includes(char)) return null
  const before = text[start - 2]
  if (before !== undefined && !WORD_START.test(before)) return null
  return { char, query: text.slice(start, caret), start: start - 1, end: caret }
}

/**
 * Replaces the trigger and its query with `insert`. An insert that ends in a space does not add a second one
 * before text that already starts with whitespace. Returns the new text and the caret after the insert.
 */
export function applyCompletion(text: string, trigger: Pick<CompletionTrigger, 'start' | 'end'>, insert: string) {
  const rest = text.slice(trigger.end)
  const added = insert.endsWith(' ') && /^\s/.test(rest) ? insert.slice(0, -1) : insert
  return { text: text.slice(0, trigger.start) + added + rest, caret: trigger.start + added.length }
}

export interface Participant { userId: string, displayName: string, handle: string }

/**
 * Participants whose handle or a word of whose name starts with `query` (case-insensitive), handle matches
 * first, then by name. Picking one inserts `@handle `, which is what the server matches (contract §3).
 */
export function matchParticipants(people: readonly Participant[], query: string, limit = 8): CompletionItem[] {
  const q = query.toLowerCase()
  const rank = (p: Participant) => {
    if (p.handle.toLowerCase().startsWith(q)) return 0
    return p.displayName.toLowerCase().split(/\s+/).some(word => word.startsWith(q)) ? 1 : -1
  }
  return people.map(p => ({ p, r: rank(p) })).filter(({ r }) => r >= 0)
    .sort((a, b) => a.r - b.r || a.p.displayName.localeCompare(b.p.displayName))
    .slice(0, limit)
    .map(({ p }) => ({ id: p.userId, label: p.displayName, detail: `@${p.handle}`, insert: `@${p.handle} ` }))
}
