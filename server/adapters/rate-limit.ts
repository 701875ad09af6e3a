import type { H3Event } from 'h3'
import { setResponseHeader } from 'h3'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'
import { getRedis } from './redis-connection'
import { apiError } from '../platform/errors'
import { useConfig } from '../platform/config'

const limiters = new Map<string, RateLimiterAbstract>()

/** A named limiter backed by Redis when REDIS_URL is set (shared by every instance), else by memory. */
function limiter(name: string, points: number, durationSeconds: number): RateLimiterAbstract {
  const key = `${name}:${points}:${durationSeconds}`
  let found = limiters.get(key)
  if (!found) {
    const redis = getRedis()
    // Each rule needs its own key space: two rules sharing a Redis key would each count every hit.
    const opts = { keyPrefix: `rl:${key}`, points, duration: durationSeconds }
    found = redis
      ? new RateLimiterRedis({ ...opts, storeClient: redis, insuranceLimiter: new RateLimiterMemory(opts) })
      : new RateLimiterMemory(opts)
    limiters.set(key, found)
  }
  return found
}

function rateLimited(res: RateLimiterRes, event?: H3Event) {
  const retryAfterMs = Math.max(1, Math.ceil(res.msBeforeNext))
  if (event) setResponseHeader(event, 'Retry-After', Math.ceil(retryAfterMs / 1000))
  return apiError('rate_limited', 'Too many requests, slow down', { retryAfterMs })
}

/** Consumes one point from each rule; throws 429 rate_limited when any is exhausted. RATE_LIMITS=off skips. */
export async function consumeRate(name: string, key: string, rules: Array<[points: number, seconds: number]>, event?: H3Event) {
  if (useConfig().rateLimitsOff) return
  for (const [points, seconds] of rules) {
    try {
      await limiter(name, points, seconds).consume(key)
    } catch (error) {
      if (error instanceof RateLimiterRes) throw rateLimited(error, event)
      throw error
    }
  }
}

/** Reads a rule's state without consuming (sign-in: only failures count). */
export async function checkRate(name: string, key: string, points: number, seconds: number, event?: H3Event) {
  if (useConfig().rateLimitsOff) return
  const res = await limiter(name, points, seconds).get(key)
  if (res && res.consumedPoints >= points) throw rateLimited(res, event)
}

export async function penalize(name: string, key: string, points: number, seconds: number) {
  if (useConfig().rateLimitsOff) return
  await limiter(name, points, seconds).penalty(key, 1).catch(() => {})
}

/**
 * Exponential back-off per key (an account): the first `free` consecutive failures cost nothing, each one after
 * blocks the key for 1 s, 2 s, 4 s, … up to `maxSeconds`. A success clears it. The count lives a day.
 */
export function backoff(name: string, free: number, maxSeconds: number) {
  const failures = () => limiter(`${name}:failures`, 1_000_000, 86_400)
  const blocked = () => limiter(`${name}:blocked`, 1, Math.max(1, maxSeconds))
  return {
    /** 429 while the key is blocked (even for the right password: the block protects the account). */
    async check(key: string, event?: H3Event) {
      if (useConfig().rateLimitsOff) return
      const res = await blocked().get(key)
      if (res && res.consumedPoints > 1 && res.msBeforeNext > 0) throw rateLimited(res, event)
    },
    async fail(key: string) {
      if (useConfig().rateLimitsOff) return
      const res = await failures().penalty(key, 1)
      const over = res.consumedPoints - free
      if (over > 0) await blocked().block(key, Math.min(maxSeconds, 2 ** Math.min(over - 1, 30)))
    },
    async clear(key: string) {
      if (useConfig().rateLimitsOff) return
      await Promise.all([failures().delete(key), blocked().delete(key)])
    }
  }
}

/** Sends: 30/min sustained with a burst of 10 (contract §6), approximated by two windows that must both pass. */
export function sendRules(): Array<[number, number]> {
  const { sendsPerMinute, sendBurst } = useConfig().limits
  return [[sendBurst, Math.max(1, Math.round(60 * sendBurst / Math.max(1, sendsPerMinute)))], [sendsPerMinute, 60]]
}

/**
 * A protocol throttle that holds even with RATE_LIMITS=off (typing: 1 per 2 s per user and conversation):
 * true when the call is within the rule, false when it should be dropped.
 */
export async function withinThrottle(name: string, key: string, points: number, seconds: number): Promise<boolean> {
  return limiter(name, points, seconds).consume(key).then(() => true, () => false)
}
