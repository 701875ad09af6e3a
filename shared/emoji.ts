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
