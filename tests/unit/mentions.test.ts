import { describe, expect, it } from 'vitest'
import { parseMentions } from '../../shared/mentions'

describe('parseMentions', () => {
  it('finds @handles case-insensitively, once each', () => {
    expect(parseMentions('hi @Ana and @bob_2, also @ana')).toEqual({ handles: ['ana', 'bob_2'], all: false })
  })

  it('recognises @all separately from handles', () => {
    expect(parseMentions('@all standup in 5')).toEqual({ handles: [], all: true })
  })

  it('ignores email addresses and handles that are too short', () => {
    expect(parseMentions('write to ops@example.com or @a')).toEqual({ handles: [], all: false })
  })

  it('drops sentence punctuation after a handle but keeps dots inside it', () => {
    expect(parseMentions('thanks @jo.smith. and (@kim)')).toEqual({ handles: ['jo.smith', 'kim'], all: false })
  })
})
