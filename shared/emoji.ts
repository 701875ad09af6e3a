/** Where the picker's emoji data is served from (modules/emoji): `${EMOJI_DATA_BASE}/data.json`. */
export const EMOJI_DATA_BASE = '/emoji'
export const EMOJI_DATA_URL = `${EMOJI_DATA_BASE}/data.json`
/** The bundled colour emoji font (Noto Color Emoji from @fontsource), under a name of our own. */
export const EMOJI_FONT_FAMILY = 'Switchboard Emoji'
/**
 * The newest emoji version the bundled font draws. Telling the picker skips its canvas test of the system's
 * emoji fonts, which would hide everything on a machine without one (tests/unit/emoji-font.test.ts checks it).
 */
export const EMOJI_VERSION = 17

/**
 * One spelling per emoji, so a reaction picked here and one picked elsewhere are the same reaction: the data
 * writes U+FE0F after characters that are emoji by default (`👍️`), which Unicode's fully-qualified form omits.
 */
export function canonicalEmoji(emoji: string): string {
  return emoji.replace(/(\p{Emoji_Presentation})\uFE0F/gu, '$1')
}
