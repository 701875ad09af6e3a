import { canonicalEmoji, EMOJI_DATA_URL } from '#shared/emoji'
import { REACTION_EMOJI } from '../utils/reactions'

type Database = import('emoji-picker-element').Database
let database: Promise<Database> | undefined

// The picker's own IndexedDB store of favourites (the "Frequently used" row it shows): one place, kept by it.
function open(): Promise<Database> {
  database ||= import('emoji-picker-element').then(({ Database }) => new Database({ dataSource: EMOJI_DATA_URL }))
  return database
}

/** The viewer's most used emoji (as the picker counts them), topped up with the default reactions. */
export function useFavoriteEmoji(size = REACTION_EMOJI.length) {
  async function top(): Promise<string[]> {
    let mine: string[] = []
    try {
      const found = await (await open()).getTopFavoriteEmoji(size)
      mine = found.flatMap(e => 'unicode' in e && e.unicode ? [canonicalEmoji(e.unicode)] : [])
    } catch {
      // No IndexedDB (a private window in some browsers): the defaults alone.
    }
    return [...new Set([...mine, ...REACTION_EMOJI])].slice(0, size)
  }

  async function count(emoji: string) {
    try {
      const db = await open()
      // The data spells some emoji with U+FE0F (👍️) where we store the fully-qualified form (👍).
      const known = await db.getEmojiByUnicodeOrName(emoji) ?? await db.getEmojiByUnicodeOrName(`${emoji}\uFE0F`)
      if (known && 'unicode' in known) await db.incrementFavoriteEmojiCount(known.unicode)
    } catch {
      // Favourites are a convenience: never fail a reaction over them.
    }
  }

  return { top, count }
}
