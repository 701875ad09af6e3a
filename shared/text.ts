// Text rules shared by the server's schemas and the client's composer (no zod here, so the client can import it).

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

// V8's segment iterator (Node 20) costs time in proportion to the whole input at every step, so counting one
// long string is quadratic: 120,000 "é" took 5 s of event loop. Slices of a few hundred units keep it linear.
const SLICE = 256

/**
 * Length in user-perceived characters (grapheme clusters), as contract §6 counts a message: one emoji is one
 * character even when it is a surrogate pair or a ZWJ sequence of several code points. Counting stops once it
 * passes `atMost`, so a limit check costs no more than the limit, however long the text.
 */
export function graphemeLength(text: string, atMost = Infinity): number {
  // Printable ASCII (no CR, which pairs with LF) is one grapheme per unit: the common case costs no segmenting.
  if (/^[\x20-\x7e\n\t]*$/.test(text)) return text.length
  let count = 0
  let start = 0
  let size = SLICE
  while (start < text.length) {
    let end = Math.min(start + size, text.length)
    // Never cut a surrogate pair: a lone half would read as a boundary of its own.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end++
    let segments = 0
    let lastStart = 0
    for (const { index } of graphemes.segment(text.slice(start, end))) {
      segments++
      lastStart = index
    }
    if (end === text.length) return count + segments
    // The slice's last cluster may go on past its end: count the others, and start the next slice at it. A
    // boundary depends on the code point after it and those before it back to a true boundary (UAX #29), all
    // inside the slice for every boundary but its end.
    if (segments === 1) {
      size *= 2
      continue
    }
    count += segments - 1
    if (count > atMost) return count
    start += lastStart
    size = SLICE
  }
  return count
}

// Bidi embeddings, overrides and isolates, directional marks, and invisible separators: in a name they only
// serve to make it look like someone else's ("‮nimda" shown as "admin"). ZWJ and ZWNJ stay where scripts and
// emoji need them (between emoji, between letters other than ASCII) and go everywhere else.
const INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u200B\u2060\uFEFF\u00AD]/g
const JOINERS = /\u200D|\u200C/g
// What may stand on either side of a ZWJ inside an emoji sequence (👩🏽‍💻, ❤️‍🔥), and a letter of a script that
// needs ZWNJ (Persian, Indic scripts), which ASCII never does.
const EMOJI = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]$/u
const SCRIPT_LETTER = /^(?!\p{ASCII})\p{L}$/u

/** A display name as stored and shown: NFC, without bidi controls or stray invisible characters, spaces collapsed. */
export function normalizeName(name: string): string {
  const cleaned = name.normalize('NFC').replace(INVISIBLE, '').replace(JOINERS, (joiner, offset: number, whole: string) => {
    const before = offset > 0 ? String.fromCodePoint(codePointBefore(whole, offset)) : ''
    const after = offset + 1 < whole.length ? String.fromCodePoint(whole.codePointAt(offset + 1)!) : ''
    if (joiner === '\u200D') return EMOJI.test(before) && EMOJI.test(after) ? joiner : ''
    return SCRIPT_LETTER.test(before) && SCRIPT_LETTER.test(after) ? joiner : ''
  })
  // NFC again: a character removed above may have stood between a letter and its accent ("e\u200B\u0301").
  return cleaned.replace(/\s+/gu, ' ').trim().normalize('NFC')
}

function codePointBefore(text: string, offset: number): number {
  const low = text.charCodeAt(offset - 1)
  if (low >= 0xDC00 && low <= 0xDFFF && offset >= 2) {
    const high = text.charCodeAt(offset - 2)
    if (high >= 0xD800 && high <= 0xDBFF) return text.codePointAt(offset - 2)!
  }
  return low
}
