/** One `@font-face` of a fontsource package: the woff2 file it names and the code points it covers. */
export interface FontFace { file: string, ranges: Array<[number, number]> }

/**
 * Characters the emoji font covers that are ordinary text far more often than emoji (keycap bases, ©, ®, ™,
 * arrows): they keep the text font. Their emoji forms (`#️⃣`, `↔️`) then show half in each font, which is rare.
 */
export const TEXT_CODE_POINTS: Array<[number, number]> = [
  [0x00, 0x7F], [0xA9, 0xA9], [0xAE, 0xAE], [0x203C, 0x203C], [0x2049, 0x2049], [0x2122, 0x2122],
  [0x2139, 0x2139], [0x2194, 0x2199], [0x21A9, 0x21AA]
]

const hex = (n: number) => n.toString(16)

function parseRange(text: string): [number, number] {
  const [from, to] = text.trim().replace(/^U\+/i, '').split('-')
  const start = Number.parseInt(from!, 16)
  return [start, to ? Number.parseInt(to, 16) : start]
}

/** Reads the faces of a fontsource `index.css` (one block per subset file). */
export function parseFontFaces(css: string): FontFace[] {
  return [...css.matchAll(/@font-face\s*{([^}]*)}/g)].flatMap(([, body]) => {
    const file = body!.match(/url\(\.\/files\/([^)]+\.woff2)\)/)?.[1]
    const range = body!.match(/unicode-range:\s*([^;]+);/)?.[1]
    return file && range ? [{ file, ranges: range.split(',').map(parseRange) }] : []
  })
}

/** `ranges` less every code point in `minus`. */
export function subtractRanges(ranges: Array<[number, number]>, minus: Array<[number, number]>): Array<[number, number]> {
  let out = ranges
  for (const [cutFrom, cutTo] of minus) {
    out = out.flatMap(([from, to]): Array<[number, number]> => {
      if (cutTo < from || cutFrom > to) return [[from, to]]
      const kept: Array<[number, number]> = []
      if (from < cutFrom) kept.push([from, cutFrom - 1])
      if (to > cutTo) kept.push([cutTo + 1, to])
      return kept
    })
  }
  return out
}

/** `@font-face` rules for `family`, one per subset file, limited to emoji code points. */
export function emojiFontCss(faces: FontFace[], family: string, urlOf: (file: string) => string): string {
  return faces.map(({ file, ranges }) => {
    const kept = subtractRanges(ranges, TEXT_CODE_POINTS)
    if (!kept.length) return ''
    const range = kept.map(([a, b]) => a === b ? `U+${hex(a)}` : `U+${hex(a)}-${hex(b)}`).join(',')
    return `@font-face{font-family:'${family}';font-style:normal;font-weight:400;font-display:swap;`
      + `src:url('${urlOf(file)}') format('woff2');unicode-range:${range}}\n`
  }).join('')
}
