import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { DisplayName, GraphemeText } from '../../shared/schemas/common'
import { FileName } from '../../shared/schemas/files'
import { graphemeLength, normalizeName } from '../../shared/text'
import { NASTY_PIECES, configureFuzz } from '../helpers/fuzz'

configureFuzz(300)
const wholeCount = (text: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length
// Long enough to cross several of graphemeLength's slices, with clusters (flags, ZWJ sequences, runs of
// combining marks) that straddle their edges.
const longText = fc.array(fc.oneof(
  fc.constantFrom(...NASTY_PIECES, '🇫🇷', '🇫', '❤️‍🔥', '\u0915\u094D\u0937', '\uD83C'),
  fc.constantFrom('\u0301', '🇫🇷', 'é', '\u200D').chain(piece => fc.integer({ min: 1, max: 600 }).map(n => piece.repeat(n))),
  fc.string({ unit: 'binary', maxLength: 40 })
), { maxLength: 120 }).map(pieces => pieces.join(''))

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

  it('counts long text in slices exactly as one pass over the whole text does', () => {
    fc.assert(fc.property(longText, text => graphemeLength(text) === wholeCount(text)))
  })

  it('stops counting past atMost, and never reports a text past the limit as within it', () => {
    fc.assert(fc.property(longText, fc.nat({ max: 3000 }), (text, atMost) => {
      const bounded = graphemeLength(text, atMost)
      const exact = wholeCount(text)
      return exact <= atMost ? bounded === exact : bounded > atMost
    }))
  })

  it('checks 120,000 non-ASCII characters against a limit in bounded slices, stopping past the limit (it took 5 s)', () => {
    // Work is measured, not timed: what reaches the segmenter (whose cost grows with the whole input on Node 20).
    const segmented: number[] = []
    const segment = Intl.Segmenter.prototype.segment
    const spy = vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, input: string) {
      segmented.push(input.length)
      return segment.call(this, input)
    })
    try {
      expect(GraphemeText(1, 5000).safeParse('é'.repeat(120_000)).success).toBe(false)
      // Only about the limit's worth of text was segmented, in slices of a few hundred units.
      expect(segmented.reduce((a, b) => a + b, 0)).toBeLessThan(6000)
      expect(DisplayName.safeParse('é'.repeat(120_000)).success).toBe(false)
      segmented.length = 0
      expect(graphemeLength('é'.repeat(120_000))).toBe(120_000)
      expect(Math.max(...segmented)).toBeLessThanOrEqual(513)
    } finally {
      spy.mockRestore()
    }
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

  it('are NFC even when a removed character stood between a letter and its accent (found by schema-fuzz)', () => {
    expect(normalizeName('Rene\u200B\u0301')).toBe('René')
    expect(normalizeName('a\u200D\u0301')).toBe('\u00E1')
  })

  it('are refused when nothing visible is left, and limited to 80 characters', () => {
    expect(DisplayName.safeParse('\u202E\u200B').success).toBe(false)
    expect(DisplayName.safeParse('x'.repeat(81)).success).toBe(false)
    expect(DisplayName.safeParse('😀'.repeat(80)).success).toBe(true)
    expect(DisplayName.parse('\u202Eevil')).toBe('evil')
  })
})

describe('file names', () => {
  it('come out the same when read again: no dot or space is left at the front, NFC after stripping (found by schema-fuzz)', () => {
    expect(FileName.parse('. a.txt')).toBe('a.txt')
    expect(FileName.safeParse('. .').success).toBe(false)
    expect(FileName.parse(' ..\u200Bx')).toBe('x')
    expect(FileName.parse('Rene\u200B\u0301.pdf')).toBe('Ren\u00E9.pdf')
    expect(FileName.parse('../../etc/passwd')).toBe('passwd')
  })
})
