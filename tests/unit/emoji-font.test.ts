import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { emojiFontCss, parseFontFaces, subtractRanges, TEXT_CODE_POINTS } from '../../modules/emoji/font-faces'
import { canonicalEmoji, EMOJI_VERSION } from '../../shared/emoji'

const require = createRequire(import.meta.url)

const faces = parseFontFaces(readFileSync(require.resolve('@fontsource/noto-color-emoji/index.css'), 'utf8'))
const data: Array<{ emoji: string, version: number, skins?: Array<{ emoji: string }> }> = require('emoji-picker-element-data/en/github/data.json')

const css = emojiFontCss(faces, 'Test Emoji', file => `/f/${file}`)
const declared = [...css.matchAll(/unicode-range:([^}]+)}/g)].flatMap(m => m[1]!.split(',')).map((r) => {
  const [a, b] = r.replace('U+', '').split('-').map(x => Number.parseInt(x, 16))
  return [a!, b ?? a!] as const
})
const covered = (cp: number) => declared.some(([a, b]) => cp >= a && cp <= b)

describe('the bundled emoji font faces', () => {
  it('reads every woff2 subset of the fontsource package', () => {
    expect(faces.length).toBeGreaterThan(5)
    expect(faces.every(f => f.file.endsWith('.woff2') && f.ranges.length > 0)).toBe(true)
  })

  it('cuts a range around the code points it must not cover', () => {
    expect(subtractRanges([[0x20, 0x40], [0x2190, 0x21FF]], [[0x30, 0x39], [0x2194, 0x2199]]))
      .toEqual([[0x20, 0x2F], [0x3A, 0x40], [0x2190, 0x2193], [0x219A, 0x21FF]])
  })

  it('leaves digits, #, *, ©, ® and ™ to the text font', () => {
    for (const ch of '0123456789#*©®™') expect(covered(ch.codePointAt(0)!), ch).toBe(false)
    expect(covered('😀'.codePointAt(0)!)).toBe(true)
  })

  it('draws every emoji of the picker data up to EMOJI_VERSION', () => {
    const text = (cp: number) => TEXT_CODE_POINTS.some(([a, b]) => cp >= a && cp <= b)
    // Text characters are left out on purpose; the rest of each sequence (U+FE0F, U+20E3, ZWJ) must be drawn.
    const missing = data.filter(e => e.version <= EMOJI_VERSION)
      .flatMap(e => [e.emoji, ...(e.skins ?? []).map(s => s.emoji)])
      .filter(e => ![...e].map(c => c.codePointAt(0)!).filter(cp => !text(cp)).every(covered))
    // The Google Fonts build of Noto Color Emoji has no U+1F46A (family, the single code point): it falls back.
    expect(missing).toEqual(['👪️'])
    expect(Math.max(...data.map(e => e.version))).toBeLessThanOrEqual(EMOJI_VERSION)
  })
})

describe('canonicalEmoji', () => {
  it('drops the U+FE0F that the data adds after an emoji-by-default character', () => {
    expect(canonicalEmoji('👍️')).toBe('👍')
    expect(canonicalEmoji('👍🏽')).toBe('👍🏽')
  })

  it('keeps the U+FE0F that makes a text-by-default character an emoji', () => {
    expect(canonicalEmoji('❤️')).toBe('❤️')
    expect(canonicalEmoji('🏳️‍🌈')).toBe('🏳️‍🌈')
  })
})
