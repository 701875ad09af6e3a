type Range = [number, number]

/**
 * Characters of emoji sequences that are ordinary text far more often than emoji (keycap bases, ©, ®, ™,
 * arrows): they keep the text font. Their emoji forms (`#️⃣`, `↔️`) then show half in each font, which is rare.
 */
export const TEXT_CODE_POINTS: Range[] = [
  [0x00, 0x7F], [0xA9, 0xA9], [0xAE, 0xAE], [0x203C, 0x203C], [0x2049, 0x2049], [0x2122, 0x2122],
  [0x2139, 0x2139], [0x2194, 0x2199], [0x21A9, 0x21AA]
]

const isText = (cp: number) => TEXT_CODE_POINTS.some(([a, b]) => cp >= a && cp <= b)

/** Every code point of the given emoji (and their skin tones), less the text ones, as sorted ranges. */
export function emojiRanges(emoji: Iterable<string>): Range[] {
  const points = new Set<number>()
  for (const e of emoji) {
    for (const ch of e) {
      const cp = ch.codePointAt(0)!
      if (!isText(cp)) points.add(cp)
    }
  }
  const ranges: Range[] = []
  for (const cp of [...points].sort((a, b) => a - b)) {
    const last = ranges.at(-1)
    if (last && cp === last[1] + 1) last[1] = cp
    else ranges.push([cp, cp])
  }
  return ranges
}

const hex = (n: number) => n.toString(16)

/** The `@font-face` of the emoji font, limited to `ranges` so that every other character keeps the text font. */
export function emojiFontCss(family: string, url: string, ranges: Range[]): string {
  const range = ranges.map(([a, b]) => a === b ? `U+${hex(a)}` : `U+${hex(a)}-${hex(b)}`).join(',')
  return `@font-face{font-family:'${family}';font-style:normal;font-weight:400;font-display:swap;`
    + `src:url('${url}') format('woff2');unicode-range:${range}}\n`
}
