import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'

export const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'

export function uniquePrefix(name: string): string {
  return `sbtest:${name}:${randomBytes(4).toString('hex')}:`
}

/** Polls a condition (state that changes outside our control, e.g. a reconnect) until it holds or times out. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** A bus handler that records payloads and lets a test await the n-th one. */
export function collector() {
  const values: string[] = []
  const waiters: { count: number, resolve: () => void }[] = []
  return {
    values,
    handler(payload: string) {
      values.push(payload)
      for (const w of waiters.filter(w => values.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
    },
    waitFor(count: number, timeoutMs = 5000): Promise<string[]> {
      if (values.length >= count) return Promise.resolve(values.slice())
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} payloads, got ${JSON.stringify(values)}`)), timeoutMs)
        waiters.push({ count, resolve: () => {
          clearTimeout(timer)
          resolve(values.slice())
        } })
      })
    }
  }
}

/** Deletes every key under a prefix (through a connection without keyPrefix). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL)
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    if (keys.length) await redis.del(...keys)
    cursor = next
  } while (cursor !== '0')
  await redis.quit()
}
