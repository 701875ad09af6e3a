import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import type { PresenceStatus, PresenceStore } from '../../server/adapters/presence/presence'
import { createMemoryPresence } from '../../server/adapters/presence/memory'
import { createRedisPresence } from '../../server/adapters/presence/redis'
import { REDIS_URL, deleteKeys, uniquePrefix, waitUntil } from './helpers'

function describePresence(name: string, create: (ttlSeconds: number) => PresenceStore) {
  describe(`${name} presence`, () => {
    const statusOf = async (store: PresenceStore, userId: string) => (await store.get([userId]))[userId]!.status

    it('reports a user never seen as offline with no lastSeenAt', async () => {
      const store = create(60)
      const id = randomUUID()
      expect(await store.get([id])).toEqual({ [id]: { status: 'offline', lastSeenAt: null } })
      expect(await store.get([])).toEqual({})
    })

    it('aggregates a user\'s tabs: any online wins, then away, then offline', async () => {
      const store = create(60)
      const user = randomUUID()
      await store.connect(user, 'tab-1', 'away')
      expect(await statusOf(store, user)).toBe('away')
      await store.connect(user, 'tab-2', 'online')
      expect(await statusOf(store, user)).toBe('online')
      await store.setStatus(user, 'tab-2', 'away')
      expect(await statusOf(store, user)).toBe('away')
      await store.setStatus(user, 'tab-1', 'online')
      expect(await statusOf(store, user)).toBe('online')
      await store.disconnect(user, 'tab-1')
      expect(await statusOf(store, user)).toBe('away')
      await store.disconnect(user, 'tab-2')
      expect(await statusOf(store, user)).toBe('offline')
    })

    it('lists a user\'s live connections for the socket cap, without disconnected ones', async () => {
      const store = create(60)
      const user = randomUUID()
      await store.connect(user, 'c1', 'online')
      await store.connect(user, 'c2', 'away')
      await store.connect(user, 'c3', 'online')
      await store.disconnect(user, 'c2')
      expect((await store.listConnections(user)).sort()).toEqual(['c1', 'c3'])
      expect(await store.listConnections(randomUUID())).toEqual([])
    })

    it('keeps users apart and answers for many at once', async () => {
      const store = create(60)
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()]
      await store.connect(a, 'conn', 'online')
      await store.connect(b, 'conn', 'away')
      const all = await store.get([a, b, c])
      const statuses: Record<string, PresenceStatus> = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.status]))
      expect(statuses).toEqual({ [a]: 'online', [b]: 'away', [c]: 'offline' })
    })

    it('sets lastSeenAt when the last connection disconnects', async () => {
      const store = create(60)
      const user = randomUUID()
      await store.connect(user, 'c1', 'online')
      const before = Date.now()
      await store.disconnect(user, 'c1')
      const { status, lastSeenAt } = (await store.get([user]))[user]!
      expect(status).toBe('offline')
      expect(lastSeenAt).not.toBeNull()
      // Redis's clock is the reference in the Redis store; allow for a little skew against ours.
      expect(Math.abs(Date.parse(lastSeenAt!) - before)).toBeLessThan(2000)
    })

    it('keeps the connection\'s status across heartbeats', async () => {
      const store = create(60)
      const user = randomUUID()
      await store.connect(user, 'c1', 'away')
      await store.heartbeat([{ userId: user, connectionId: 'c1' }])
      expect(await statusOf(store, user)).toBe('away')
    })

    it('expires a connection that stops heart-beating, while a live one stays', async () => {
      const store = create(1)
      const user = randomUUID()
      await store.connect(user, 'crashed', 'online')
      await store.connect(user, 'alive', 'away')
      const started = Date.now()
      // The live tab keeps beating; the crashed one does not, and the user falls back to the live tab's status.
      await waitUntil(async () => {
        await store.heartbeat([{ userId: user, connectionId: 'alive' }])
        return await statusOf(store, user) === 'away'
      }, 'the silent connection to expire', 5000)
      expect(Date.now() - started).toBeGreaterThanOrEqual(900)
      await waitUntil(async () => await statusOf(store, user) === 'offline', 'the last connection to expire', 5000)
      expect((await store.get([user]))[user]!.lastSeenAt).not.toBeNull()
    })

    it('connect answers the status before and the live connections; disconnect the status before and after', async () => {
      const store = create(60)
      const user = randomUUID()
      expect(await store.connect(user, 'away-tab', 'away')).toEqual({ before: 'offline', connectionIds: ['away-tab'] })
      const second = await store.connect(user, 'online-tab', 'online')
      expect(second.before).toBe('away')
      expect(second.connectionIds.sort()).toEqual(['away-tab', 'online-tab'])
      const dropOnline = await store.disconnect(user, 'online-tab')
      expect([dropOnline.before, dropOnline.after.status]).toEqual(['online', 'away'])
      const dropLast = await store.disconnect(user, 'away-tab')
      expect([dropLast.before, dropLast.after.status]).toEqual(['away', 'offline'])
      expect(dropLast.after.lastSeenAt).toBe((await store.get([user]))[user]!.lastSeenAt)
    })

    it('one heartbeat call keeps many users\' connections alive and lets the others lapse', async () => {
      const store = create(1)
      const users = Array.from({ length: 600 }, () => randomUUID())
      // More users than one Redis script call takes, so the batching is crossed too.
      for (const user of users) await store.connect(user, 'tab', 'away')
      const dropped = users[0]!
      const beating = users.slice(1).map(userId => ({ userId, connectionId: 'tab' }))
      await waitUntil(async () => {
        await store.heartbeat(beating)
        return await statusOf(store, dropped) === 'offline'
      }, 'the connection left out of the heartbeats to lapse', 5000)
      const all = await store.get(users)
      expect(users.slice(1).filter(u => all[u]!.status !== 'away')).toEqual([])
    })

    it('brings back a lapsed connection as online on its next heartbeat', async () => {
      const store = create(1)
      const user = randomUUID()
      await store.connect(user, 'c1', 'online')
      await waitUntil(async () => await statusOf(store, user) === 'offline', 'the connection to expire', 5000)
      await store.heartbeat([{ userId: user, connectionId: 'c1' }])
      expect(await statusOf(store, user)).toBe('online')
    })
  })
}

describePresence('memory', ttlSeconds => createMemoryPresence({ ttlSeconds }))

const prefix = uniquePrefix('presence')
let redis: Redis
beforeAll(() => {
  redis = new Redis(REDIS_URL, { keyPrefix: prefix })
})
afterAll(async () => {
  await redis.quit()
  await deleteKeys(prefix)
})

describePresence('redis', ttlSeconds => createRedisPresence({ redis, ttlSeconds }))

describe('redis presence keys', () => {
  it('lives under the client\'s key prefix and expires with the user\'s last connection', async () => {
    const store = createRedisPresence({ redis, ttlSeconds: 30 })
    const user = randomUUID()
    await store.connect(user, 'c1', 'online')
    const raw = new Redis(REDIS_URL)
    try {
      const ttl = await raw.pttl(`${prefix}presence:conns:${user}`)
      expect(ttl).toBeGreaterThan(25_000)
      expect(ttl).toBeLessThanOrEqual(30_000)
      expect(await raw.hget(`${prefix}presence:conns:${user}`, 'c1')).toMatch(/^online\|\d+$/)
    } finally {
      await raw.quit()
    }
  })
})
