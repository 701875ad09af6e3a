import { describe, expect, it } from 'vitest'
import { formatAge, formatDuration, isStale } from '../../layers/admin/app/utils/analytics-format'

describe('dashboard number formats', () => {
  it('durations show the two largest units and drop zero parts', () => {
    expect(formatDuration(0)).toBe('0 s')
    expect(formatDuration(45)).toBe('45 s')
    expect(formatDuration(270)).toBe('4 m 30 s')
    expect(formatDuration(900)).toBe('15 m')
    expect(formatDuration(7_500)).toBe('2 h 5 m')
    expect(formatDuration(18_000)).toBe('5 h')
    expect(formatDuration(273_600)).toBe('3 d 4 h')
    expect(formatDuration(86_460)).toBe('1 d')
  })

  it('ages read as people say them', () => {
    expect(formatAge(20_000)).toBe('just now')
    expect(formatAge(60_000)).toBe('1 minute ago')
    expect(formatAge(7 * 60_000)).toBe('7 minutes ago')
    expect(formatAge(3 * 3_600_000)).toBe('3 hours ago')
    expect(formatAge(72 * 3_600_000)).toBe('3 days ago')
  })
})

describe('stale analytics', () => {
  it('are older than two refresh intervals; never refreshed is not stale but missing', () => {
    const now = Date.parse('2026-12-01T12:00:00Z')
    expect(isStale('2026-12-01T11:50:01Z', 300, now)).toBe(false)
    expect(isStale('2026-12-01T11:49:59Z', 300, now)).toBe(true)
    expect(isStale(null, 300, now)).toBe(false)
  })
})
