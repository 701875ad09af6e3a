import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REDIS_URL, uniquePrefix } from './helpers'

// The module reads its settings through useConfig(), once: the environment is set before it is first imported.
process.env.REDIS_URL = REDIS_URL
process.env.REDIS_PREFIX = uniquePrefix('conn')
const { closeRedis, getRedis } = await import('../../server/adapters/redis-connection')

describe('the shared Redis command connection', () => {
  beforeAll(() => {
    getRedis()
  })
  afterAll(async () => {
    await closeRedis()
  })

  it('is one client with one error listener however often it is asked for', async () => {
    // Every rate limiter and the presence store ask for it: each call used to add an error listener, and the
    // eleventh set off MaxListenersExceededWarning ("11 error listeners added to [Commander]").
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    const first = getRedis()!
    for (let i = 0; i < 50; i++) expect(getRedis()).toBe(first)
    expect(first.listenerCount('error')).toBe(1)
    expect(await first.ping()).toBe('PONG')
    // Warnings are emitted on the next tick: a ping later, any would be here.
    process.off('warning', onWarning)
    expect(warnings.filter(w => w.name === 'MaxListenersExceededWarning')).toEqual([])
  })
})
