/**
 * Finds `@handle` and `@all` mentions in message text. A mention starts at the beginning or after a
 * non-word character (so emails like a@b.c are not mentions) and ends where the handle grammar ends.
 */
const MENTION = /(^|[^\w@.-])@([a-z0-9_.-]{2,32})/gi

export interface ParsedMentions { handles: string[], all: boolean }

export function parseMentions(text: string): ParsedMentions {
  const handles = new Set<string>()
  let all = false
  for (const match of text.matchAll(MENTION)) {
    // A trailing dot is sentence punctuation, not part of the handle ("thanks @ana.").
    const handle = match[2]!.toLowerCase().replace(/\.+$/, '')
    if (handle === 'all') all = true
    else if (handle.length >= 2) handles.add(handle)
  }
  return { handles: [...handles], all }
}
