/** Where the picker's emoji data is served from (modules/emoji): `${EMOJI_DATA_BASE}/data.json`. */
export const EMOJI_DATA_BASE = '/emoji'
export const EMOJI_DATA_URL = `${EMOJI_DATA_BASE}/data.json`
/** The bundled colour emoji font (Twemoji, from twemoji-colr-font), under a name of our own. */
export const EMOJI_FONT_FAMILY = 'Switchboard Emoji'
/**
 * The newest emoji version the bundled font draws (Twemoji 15.0): the picker hides newer ones. Telling it also
 * skips its canvas test of the system's emoji fonts, which would hide everything on a machine without one.
 */
export const EMOJI_VERSION = 15

/**
 * One spelling per emoji, so a reaction picked here and one picked elsewhere are the same reaction: the picker's
 * data writes U+FE0F after characters that are emoji by default (`👍️`), which Unicode's fully-qualified form omits.
 */
export function canonicalEmoji(emoji: string): string {
  return emoji.replace(/(\p{Emoji_Presentation})\uFE0F/gu, '$1')
}

// Built at run time: the `v` flag (for the RGI_Emoji property of strings) is newer than some bundlers' parsers.
let rgiEmoji: RegExp | undefined

/**
 * The emoji a reaction may be, in canonical spelling, or undefined: exactly one of Unicode's recommended emoji
 * (RGI: single emoji, skin tones, ZWJ sequences, flags, keycaps). A bare text-style character that needs U+FE0F to be
 * an emoji (`❤`) is given it, so bots that omit it are understood.
 */
export function reactionEmoji(input: string): string | undefined {
  rgiEmoji ??= new RegExp('^\\p{RGI_Emoji}$', 'v')
  const canonical = canonicalEmoji(input)
  if (rgiEmoji.test(canonical)) return canonical
  const qualified = canonical + '\uFE0F'
  return [...canonical].length === 1 && rgiEmoji.test(qualified) ? qualified : undefined
}
