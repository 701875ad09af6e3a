import { describe, expect, it } from 'vitest'
import { createVerifiedTokenCache } from '../../server/adapters/identity/verified-tokens'

// Signatures already checked are remembered by token text until the token expires (server/adapters/identity).
describe('verified token cache', () => {
  it('answers a remembered token until its expiry, then forgets it', () => {
    const cache = createVerifiedTokenCache()
    cache.remember('t1', { sub: 'u1', sessionId: 's1', exp: 1000 })
    expect(cache.get('t1', 999_000)).toEqual({ sub: 'u1', sessionId: 's1', exp: 1000 })
    expect(cache.get('t1', 1_000_000)).toBeUndefined()
    expect(cache.size).toBe(0)
    expect(cache.get('never-seen')).toBeUndefined()
  })

  it('holds at most its bound, dropping the oldest token first', () => {
    const cache = createVerifiedTokenCache(2)
    cache.remember('a', { sub: 'a', sessionId: null, exp: null })
    cache.remember('b', { sub: 'b', sessionId: null, exp: null })
    cache.remember('c', { sub: 'c', sessionId: null, exp: null })
    expect(cache.size).toBe(2)
    expect(cache.get('a')).toBeUndefined()
    expect(cache.get('b')?.sub).toBe('b')
    expect(cache.get('c')?.sub).toBe('c')
  })
})
