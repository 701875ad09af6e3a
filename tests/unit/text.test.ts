import { describe, expect, it } from 'vitest'
import { DisplayName, GraphemeText } from '../../shared/schemas/common'
import { graphemeLength, normalizeName } from '../../shared/text'

describe('graphemeLength (contract §6 counts user-perceived characters)', () => {
  it('counts an emoji as one character, whatever its code units', () => {
    expect(graphemeLength('😀'.repeat(2600))).toBe(2600)
    expect('😀'.repeat(2600).length).toBe(5200)
    expect(graphemeLength('👩🏽‍💻')).toBe(1)
    expect(graphemeLength('🇫🇷')).toBe(1)
    expect(graphemeLength('e\u0301')).toBe(1)
    expect(graphemeLength('line\r\nbreak')).toBe(10)
    expect(graphemeLength('plain ascii')).toBe(11)
  })

  it('puts the message limit on characters: 2,600 emoji fit in 5,000, 5,001 of anything do not', () => {
    const content = GraphemeText(1, 5000)
    expect(content.safeParse('😀'.repeat(2600)).success).toBe(true)
    expect(content.safeParse('😀'.repeat(5000)).success).toBe(true)
    expect(content.safeParse('😀'.repeat(5001)).success).toBe(false)
    expect(content.safeParse('a'.repeat(5001)).success).toBe(false)
    expect(content.safeParse('   ').success).toBe(false)
  })
})

describe('display names', () => {
  it('drop bidi overrides, isolates, marks and zero-width characters that make a name look like another', () => {
    expect(normalizeName('\u202Enimda')).toBe('nimda')
    expect(normalizeName('ad\u200Bmin')).toBe('admin')
    expect(normalizeName('ad\u200Dmin')).toBe('admin')
    expect(normalizeName('ad\u200Cmin')).toBe('admin')
    expect(normalizeName('\u2067Carl\u2069 \u200EM.\uFEFF')).toBe('Carl M.')
    expect(normalizeName('Soft\u00ADhyphen')).toBe('Softhyphen')
  })

  it('keep what scripts and emoji need: NFC, ZWJ inside emoji sequences, ZWNJ between letters of a script', () => {
    expect(normalizeName('Rene\u0301')).toBe('René')
    expect(normalizeName('Rene\u0301')).toHaveLength(4)
    expect(normalizeName('Dev 👩🏽‍💻')).toBe('Dev 👩🏽‍💻')
    expect(normalizeName('Fire ❤️‍🔥')).toBe('Fire ❤️‍🔥')
    expect(normalizeName('می\u200Cخواهم')).toBe('می\u200Cخواهم')
    expect(normalizeName('  two   spaces\n')).toBe('two spaces')
  })

  it('are refused when nothing visible is left, and limited to 80 characters', () => {
    expect(DisplayName.safeParse('\u202E\u200B').success).toBe(false)
    expect(DisplayName.safeParse('x'.repeat(81)).success).toBe(false)
    expect(DisplayName.safeParse('😀'.repeat(80)).success).toBe(true)
    expect(DisplayName.parse('\u202Eevil')).toBe('evil')
  })
})
