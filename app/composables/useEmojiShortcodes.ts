import { EMOJI_DATA_URL } from '#shared/emoji'
import { buildShortcodeIndex, expandTypedShortcode, searchShortcodes } from '../utils/emoji'
import type { CompletionSource } from './useComposerCompletion'
import type { EmojiRecord, ShortcodeEntry } from '../utils/emoji'

interface Index { entries: ShortcodeEntry[], byCode: Map<string, string> }
let index: Promise<Index> | undefined

// The picker's data file (same origin, cached by the browser), loaded on the first shortcode typed.
function load() {
  index ||= $fetch<EmojiRecord[]>(EMOJI_DATA_URL).then((data) => {
    const entries = buildShortcodeIndex(data)
    return { entries, byCode: new Map(entries.map(e => [e.shortcode, e.emoji])) }
  }).catch((error) => {
    index = undefined
    throw error
  })
  return index
}

/** `:shortcode:` completion (and `:code:` typed out in full) from emoji-picker-element-data's GitHub shortcodes. */
export function useEmojiShortcodes(): CompletionSource {
  return {
    char: ':',
    minChars: 2,
    search: async query => searchShortcodes((await load()).entries, query),
    async expand(text, caret) {
      // Cheap test first: most keystrokes close no shortcode, and need no data.
      if (!/:[\w+-]+:\W$/.test(text.slice(Math.max(0, caret - 40), caret))) return null
      const { byCode } = await load()
      return expandTypedShortcode(text, caret, code => byCode.get(code))
    }
  }
}
