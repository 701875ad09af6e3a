import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { applyCompletion, findTrigger, matchParticipants } from '../../app/utils/completion'
import { buildShortcodeIndex, expandTypedShortcode, searchShortcodes } from '../../app/utils/emoji'
import type { EmojiRecord } from '../../app/utils/emoji'

const TRIGGERS = [':', '@']
// The same data file the app serves to the picker and to completion (modules/emoji).
const index = buildShortcodeIndex(createRequire(import.meta.url)('emoji-picker-element-data/en/github/data.json') as EmojiRecord[])
const lookup = (code: string) => index.find(e => e.shortcode === code)?.emoji

describe('findTrigger', () => {
  it('finds the shortcode or mention being typed at the caret', () => {
    expect(findTrigger('hi :smi', 7, TRIGGERS)).toEqual({ char: ':', query: 'smi', start: 3, end: 7 })
    expect(findTrigger('@an', 3, TRIGGERS)).toEqual({ char: '@', query: 'an', start: 0, end: 3 })
    expect(findTrigger('ask (@jo.sm', 11, TRIGGERS)).toEqual({ char: '@', query: 'jo.sm', start: 5, end: 11 })
  })

  it('looks only at the text before the caret', () => {
    expect(findTrigger(':rocket and more', 5, TRIGGERS)).toEqual({ char: ':', query: 'rock', start: 0, end: 5 })
  })

  it('ignores times, email addresses and a trigger mid-word', () => {
    expect(findTrigger('at 10:30', 8, TRIGGERS)).toBeNull()
    expect(findTrigger('write to ops@exa', 16, TRIGGERS)).toBeNull()
    expect(findTrigger('a:b', 3, TRIGGERS)).toBeNull()
  })

  it('ends at a space and at a closed shortcode', () => {
    expect(findTrigger('@ana ', 5, TRIGGERS)).toBeNull()
    expect(findTrigger(':smile:', 7, TRIGGERS)).toBeNull()
  })
})

describe('applyCompletion', () => {
  it('replaces the trigger and query and puts the caret after the insert', () => {
    expect(applyCompletion('hi @an there', { start: 3, end: 6 }, '@ana ')).toEqual({ text: 'hi @ana there', caret: 7 })
    expect(applyCompletion('hi @an', { start: 3, end: 6 }, '@ana ')).toEqual({ text: 'hi @ana ', caret: 8 })
  })

  it('does not double the space before text that starts with one', () => {
    expect(applyCompletion(':rock\nnext', { start: 0, end: 5 }, '🚀 ')).toEqual({ text: '🚀\nnext', caret: 2 })
  })
})

describe('matchParticipants', () => {
  const people = [
    { userId: '1', displayName: 'Ana Lopez', handle: 'ana' },
    { userId: '2', displayName: 'Bob Anders', handle: 'bob_2' },
    { userId: '3', displayName: 'Carla', handle: 'carla.k' }
  ]

  it('matches a handle prefix before a word of the name, case-insensitively', () => {
    expect(matchParticipants(people, 'AN').map(i => i.id)).toEqual(['1', '2'])
    expect(matchParticipants(people, 'lop').map(i => i.id)).toEqual(['1'])
  })

  it('lists everyone for a bare @ and inserts the handle with a space', () => {
    expect(matchParticipants(people, '')).toHaveLength(3)
    expect(matchParticipants(people, 'carla')[0]).toMatchObject({ label: 'Carla', detail: '@carla.k', insert: '@carla.k ' })
  })
})

describe('searchShortcodes', () => {
  it('puts the exact shortcode first, then prefixes, then word prefixes', () => {
    expect(searchShortcodes(index, 'rock').map(i => i.emoji)).toEqual(['🪨', '🚀'])
    const smil = searchShortcodes(index, 'smil', 20).map(i => i.label)
    expect(smil.indexOf(':smile:')).toBeLessThan(smil.indexOf(':slightly_smiling_face:'))
  })

  it('shows one row per emoji and inserts the fully-qualified emoji', () => {
    const thumbs = searchShortcodes(index, '+1')
    expect(thumbs).toHaveLength(1)
    expect(thumbs[0]).toMatchObject({ label: ':+1:', emoji: '👍', insert: '👍 ' })
  })

  it('finds nothing for an unknown shortcode', () => {
    expect(searchShortcodes(index, 'zzzz')).toEqual([])
  })
})

describe('expandTypedShortcode', () => {
  it('swaps a typed :shortcode: for its emoji once a space or punctuation follows', () => {
    expect(expandTypedShortcode('great :tada: ', 13, lookup)).toEqual({ text: 'great 🎉 ', caret: 9 })
    expect(expandTypedShortcode(':smile:!', 8, lookup)).toEqual({ text: '😄!', caret: 3 })
  })

  it('leaves unknown shortcodes, unfinished ones and times alone', () => {
    expect(expandTypedShortcode(':nope: ', 7, lookup)).toBeNull()
    expect(expandTypedShortcode(':smile:', 7, lookup)).toBeNull()
    expect(expandTypedShortcode('at 10:30:00 ', 12, lookup)).toBeNull()
  })
})
