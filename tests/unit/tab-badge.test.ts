import { describe, expect, it } from 'vitest'
import { badgeText, mentionTitleTemplate } from '../../app/utils/tab-badge'

describe('the tab title and favicon badge', () => {
  it('put the unread mention count in front of the title only when there are some', () => {
    expect(mentionTitleTemplate(0)).toBe('%s')
    expect(mentionTitleTemplate(2)).toBe('(2) %s')
    expect(mentionTitleTemplate(250)).toBe('(99+) %s')
    expect(badgeText(7)).toBe('7')
  })
})
