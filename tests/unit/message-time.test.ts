import { describe, expect, it } from 'vitest'
import { dayLabel, daysAgo, exactTime, relativeTime } from '../../app/utils/message-time'

const now = new Date('2026-12-01T15:00:00Z') // a Tuesday
const utc = { now, locale: 'en-US', timeZone: 'UTC' }
const ago = (ms: number) => new Date(now.getTime() - ms)
const MIN = 60_000

describe('relativeTime', () => {
  it('says "just now" under a minute, also for a clock slightly ahead', () => {
    expect(relativeTime(ago(30_000), utc)).toBe('just now')
    expect(relativeTime(ago(-5_000), utc)).toBe('just now')
  })

  it('counts whole minutes under an hour', () => {
    expect(relativeTime(ago(3 * MIN + 20_000), utc)).toBe('3 min')
    expect(relativeTime(ago(59 * MIN), utc)).toBe('59 min')
  })

  it('gives the time of day from an hour on, in the viewer\'s zone and locale', () => {
    const at = new Date('2026-12-01T14:41:00Z')
    expect(relativeTime(new Date('2026-12-01T13:41:00Z'), utc)).toBe('1:41 PM')
    expect(relativeTime(ago(2 * 60 * MIN), { now, locale: 'en-US', timeZone: 'America/New_York' })).toBe('8:00 AM')
    expect(relativeTime(new Date(at.getTime() - 60 * MIN), { now, locale: 'de-DE', timeZone: 'Europe/Berlin' })).toBe('14:41')
  })

  it('gives the exact date and time for the hover title', () => {
    expect(exactTime(new Date('2026-12-01T14:41:07Z'), utc)).toBe('Tuesday, December 1, 2026 at 2:41:07 PM')
  })
})

describe('dayLabel', () => {
  it('says Today and Yesterday by calendar day, not by 24 hours', () => {
    expect(dayLabel(new Date('2026-12-01T00:05:00Z'), utc)).toBe('Today')
    expect(dayLabel(new Date('2026-11-30T23:55:00Z'), utc)).toBe('Yesterday')
    expect(daysAgo(new Date('2026-11-30T23:55:00Z'), utc)).toBe(1)
  })

  it('uses the viewer\'s time zone to decide the day', () => {
    // 03:00 UTC on Dec 1 is still Nov 30 in New York.
    const ny = { now, locale: 'en-US', timeZone: 'America/New_York' }
    expect(dayLabel(new Date('2026-12-01T03:00:00Z'), ny)).toBe('Yesterday')
    expect(dayLabel(new Date('2026-12-01T03:00:00Z'), utc)).toBe('Today')
  })

  it('names the weekday within a week, then the date (with the year only when it differs)', () => {
    expect(dayLabel(new Date('2026-11-28T12:00:00Z'), utc)).toBe('Saturday')
    expect(dayLabel(new Date('2026-11-24T12:00:00Z'), utc)).toBe('Tuesday, November 24')
    expect(dayLabel(new Date('2025-12-31T12:00:00Z'), utc)).toBe('Wednesday, December 31, 2025')
  })

  it('speaks the viewer\'s language', () => {
    const de = { now, locale: 'de-DE', timeZone: 'Europe/Berlin' }
    expect(dayLabel(now, de)).toBe('Heute')
    expect(dayLabel(ago(24 * 60 * MIN), de)).toBe('Gestern')
    expect(dayLabel(new Date('2026-11-28T12:00:00Z'), de)).toBe('Samstag')
  })
})
