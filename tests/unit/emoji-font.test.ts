import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { emojiFontCss, emojiRanges } from '../../modules/emoji/font-faces'
import { canonicalEmoji, reactionEmoji } from '../../shared/emoji'
import { Emoji } from '../../shared/schemas/messages'

const require = createRequire(import.meta.url)

const data: Array<{ emoji: string, skins?: Array<{ emoji: string }> }> = require('emoji-picker-element-data/en/github/data.json')

const ranges = emojiRanges(data.flatMap(e => [e.emoji, ...(e.skins ?? []).map(s => s.emoji)]))
const covered = (ch: string) => ranges.some(([a, b]) => ch.codePointAt(0)! >= a && ch.codePointAt(0)! <= b)

describe('the bundled emoji font face', () => {
  it('covers the characters of every emoji in the picker data', () => {
    for (const ch of ['😀', '🚀', '\u200D', '\uFE0F', '\u20E3', '🏽', '❤', '🇫']) expect(covered(ch), ch).toBe(true)
  })

  it('leaves digits, #, *, ©, ®, ™ and plain letters to the text font', () => {
    for (const ch of '0123456789#*©®™aZ ') expect(covered(ch), ch).toBe(false)
  })

  it('merges neighbouring code points into ranges and writes them as a unicode-range', () => {
    expect(emojiRanges(['😀', '😁', '😃', '7'])).toEqual([[0x1F600, 0x1F601], [0x1F603, 0x1F603]])
    expect(emojiFontCss('E', '/e.woff2', [[0x1F600, 0x1F601], [0x2764, 0x2764]]))
      .toContain(`font-family:'E';`)
    expect(emojiFontCss('E', '/e.woff2', [[0x1F600, 0x1F601], [0x2764, 0x2764]])).toContain('unicode-range:U+1f600-1f601,U+2764}')
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

describe('reactionEmoji (what a reaction may be)', () => {
  it('accepts every emoji and skin tone the picker offers, in the spelling the picker sends', () => {
    const picked = data.flatMap(e => [e.emoji, ...(e.skins ?? []).map(s => s.emoji)]).map(canonicalEmoji)
    expect(picked.length).toBeGreaterThan(3000)
    expect(picked.filter(e => reactionEmoji(e) !== e)).toEqual([])
  })

  it('gives one spelling to the forms of one emoji', () => {
    expect(reactionEmoji('👍️')).toBe('👍')
    expect(reactionEmoji('❤')).toBe('❤️')
    expect(reactionEmoji('🇫🇷')).toBe('🇫🇷')
    expect(reactionEmoji('1️⃣')).toBe('1️⃣')
  })

  it('refuses text, two emoji, shortcodes, markup and invisible characters', () => {
    for (const bad of ['a', 'ok', '👍👍', ':thumbsup:', '<b>', '\u202E👍', '👍\u200B', '\u0000', ' ', '1', '#', '🇫']) {
      expect(reactionEmoji(bad), JSON.stringify(bad)).toBeUndefined()
    }
  })

  it('is what the Emoji schema stores', () => {
    expect(Emoji.parse('👍️')).toBe('👍')
    expect(Emoji.safeParse('lol').success).toBe(false)
    expect(Emoji.safeParse('x'.repeat(65)).success).toBe(false)
  })
})
