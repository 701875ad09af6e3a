import { canonicalEmoji } from '#shared/emoji'
import type { CompletionItem } from './completion'

/** The fields of emoji-picker-element-data's records that completion reads. */
export interface EmojiRecord { emoji: string, annotation: string, shortcodes?: string[] }
export interface ShortcodeEntry { shortcode: string, emoji: string, annotation: string }

/** Every shortcode of the data, in the data's order (which is Unicode's: smileys first). */
export function buildShortcodeIndex(data: readonly EmojiRecord[]): ShortcodeEntry[] {
  return data.flatMap(e => (e.shortcodes ?? []).map(shortcode => ({ shortcode, emoji: canonicalEmoji(e.emoji), annotation: e.annotation })))
}

/**
 * Emoji whose shortcode matches `query`: the exact shortcode first, then those starting with it, then those with
 * a `_`-separated word starting with it (`:smil` finds `slightly_smiling_face`). One row per emoji.
 */
export function searchShortcodes(index: readonly ShortcodeEntry[], query: string, limit = 8): CompletionItem[] {
  const q = query.toLowerCase()
  const rank = (code: string) => code === q ? 0 : code.startsWith(q) ? 1 : code.split('_').some(w => w.startsWith(q)) ? 2 : -1
  const best = new Map<string, { entry: ShortcodeEntry, r: number, at: number }>()
  index.forEach((entry, at) => {
    const r = rank(entry.shortcode)
    const seen = best.get(entry.emoji)
    if (r >= 0 && (!seen || r < seen.r)) best.set(entry.emoji, { entry, r, at: seen?.at ?? at })
  })
  return [...best.values()].sort((a, b) => a.r - b.r || a.at - b.at).slice(0, limit)
    .map(({ entry }) => ({ id: entry.shortcode, label: `:${entry.shortcode}:`, detail: entry.annotation, emoji: entry.emoji, insert: `${entry.emoji} ` }))
}

// `:code:` just closed by a space or punctuation, at a word start.
const TYPED = /(^|[\s([{"'])(:([\w+-]+):)([\s.,!?;)\]}'"])$/

/** When the text before `caret` ends in a known `:shortcode:` and the character just typed, swaps in the emoji. */
export function expandTypedShortcode(text: string, caret: number, lookup: (shortcode: string) => string | undefined) {
  const match = TYPED.exec(text.slice(0, caret))
  const emoji = match && lookup(match[3]!.toLowerCase())
  if (!match || !emoji) return null
  const start = caret - match[2]!.length - match[4]!.length
  const next = text.slice(0, start) + emoji + text.slice(caret - match[4]!.length)
  return { text: next, caret: start + emoji.length + match[4]!.length }
}
