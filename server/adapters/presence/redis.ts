import type { Redis } from 'ioredis'
import type { ConnectionStatus, PresenceStatus, PresenceStore, UserPresence } from './presence'

// Every script takes the clock from Redis (TIME), so instances with skewed clocks agree on what has expired.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

// One connection's touch: drop the user's lapsed connections, stamp last-seen, then drop or extend this one.
// conns = hash (field = connection id, value = "<status>|<expiresAtMs>"), status '' keeps the current one.
const TOUCH_ONE = `local function touch(conns, seen, id, status, ttl, seenTtl, mode, now)
  local current = redis.call('HGET', conns, id)
  local fields = redis.call('HGETALL', conns)
  for i = 1, #fields, 2 do
    local expires = tonumber(string.match(fields[i + 1], '|(%d+)$') or '0')
    if expires <= now then redis.call('HDEL', conns, fields[i]) end
  end
  redis.call('SET', seen, string.format('%d', now), 'PX', seenTtl)
  if mode == 'drop' then
    redis.call('HDEL', conns, id)
    return
  end
  if status == '' then status = current and string.match(current, '^(%a+)|') or 'online' end
  redis.call('HSET', conns, id, status .. '|' .. string.format('%d', now + tonumber(ttl)))
  redis.call('PEXPIRE', conns, ttl)
end
`

// A user's status from their connections hash: online if any live one is, else away if any, else offline.
const AGGREGATE = `local function aggregate(conns, now)
  local best = 'offline'
  local fields = redis.call('HGETALL', conns)
  for j = 2, #fields, 2 do
    local status, expires = string.match(fields[j], '^(%a+)|(%d+)$')
    if status and tonumber(expires) > now then
      if status == 'online' then return 'online' end
      best = 'away'
    end
  end
  return best
end
`

// KEYS: connections hash, last-seen key. ARGV: connection id, status, ttl ms, last-seen ttl ms, 'touch' | 'drop'.
const TOUCH = `${NOW}${TOUCH_ONE}
touch(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], now)
return 1
`

// A connection opening. KEYS/ARGV as TOUCH without the mode. Returns the user's aggregate status before it,
// then the ids of their live connections after it.
const CONNECT = `${NOW}${TOUCH_ONE}${AGGREGATE}
local before = aggregate(KEYS[1], now)
touch(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'touch', now)
local out = { before }
local live = redis.call('HKEYS', KEYS[1])
for i = 1, #live do out[#out + 1] = live[i] end
return out
`

// A connection closing. KEYS as TOUCH; ARGV: connection id, last-seen ttl ms. Returns the status before, the
// status after and the last-seen stamp (now).
const DISCONNECT = `${NOW}${TOUCH_ONE}${AGGREGATE}
local before = aggregate(KEYS[1], now)
touch(KEYS[1], KEYS[2], ARGV[1], '', 0, ARGV[2], 'drop', now)
return { before, aggregate(KEYS[1], now), string.format('%d', now) }
`

// Heartbeats of many connections in one round trip. KEYS: pairs of (connections hash, last-seen key);
// ARGV: ttl ms, last-seen ttl ms, then one connection id per pair. (Many keys in one script: fine on one Redis,
// which is what REDIS_URL names; a Redis Cluster would need the keys hash-tagged per user.)
const BEAT = `${NOW}${TOUCH_ONE}
for i = 1, #KEYS, 2 do
  touch(KEYS[i], KEYS[i + 1], ARGV[2 + (i + 1) / 2], '', ARGV[1], ARGV[2], 'touch', now)
end
return 1
`

// KEYS: pairs of (connections hash, last-seen key). Returns pairs of (aggregate status, last-seen ms or '').
const READ = `${NOW}${AGGREGATE}
local out = {}
for i = 1, #KEYS, 2 do
  out[#out + 1] = aggregate(KEYS[i], now)
  out[#out + 1] = redis.call('GET', KEYS[i + 1]) or ''
end
return out
`

const SEEN_TTL_MS = 30 * 24 * 3600 * 1000
const USERS_PER_CALL = 500

interface PresenceCommands {
  sbPresenceTouch(conns: string, seen: string, connectionId: string, status: string, ttlMs: number, seenTtlMs: number, mode: 'touch' | 'drop'): Promise<number>
  sbPresenceConnect(conns: string, seen: string, connectionId: string, status: string, ttlMs: number, seenTtlMs: number): Promise<string[]>
  sbPresenceDisconnect(conns: string, seen: string, connectionId: string, seenTtlMs: number): Promise<[string, string, string]>
  sbPresenceBeat(numKeys: number, ...keysThenArgs: Array<string | number>): Promise<number>
  sbPresenceRead(numKeys: number, ...keys: string[]): Promise<string[]>
}

/**
 * Presence in Redis, shared by every instance: a hash of connections per user whose key expires with its
 * newest connection, so nothing is left behind by a crashed instance. Keys go through the client's keyPrefix.
 */
export function createRedisPresence(options: { redis: Redis, ttlSeconds: number }): PresenceStore {
  const { redis } = options
  const ttlMs = Math.max(1, Math.round(options.ttlSeconds * 1000))
  // defineCommand runs EVALSHA and falls back to EVAL once, so the scripts are not resent on every heartbeat.
  redis.defineCommand('sbPresenceTouch', { numberOfKeys: 2, lua: TOUCH })
  redis.defineCommand('sbPresenceRead', { lua: READ })
  redis.defineCommand('sbPresenceBeat', { lua: BEAT })
  redis.defineCommand('sbPresenceConnect', { numberOfKeys: 2, lua: CONNECT })
  redis.defineCommand('sbPresenceDisconnect', { numberOfKeys: 2, lua: DISCONNECT })
  const commands = redis as unknown as PresenceCommands
  const connsKey = (userId: string) => `presence:conns:${userId}`
  const seenKey = (userId: string) => `presence:seen:${userId}`

  async function touch(userId: string, connectionId: string, status: ConnectionStatus) {
    await commands.sbPresenceTouch(connsKey(userId), seenKey(userId), connectionId, status, ttlMs, SEEN_TTL_MS, 'touch')
  }

  return {
    async connect(userId, connectionId, status) {
      const [before, ...connectionIds] = await commands.sbPresenceConnect(connsKey(userId), seenKey(userId), connectionId, status, ttlMs, SEEN_TTL_MS)
      return { before: before as PresenceStatus, connectionIds }
    },
    async heartbeat(connections) {
      for (let i = 0; i < connections.length; i += USERS_PER_CALL) {
        const batch = connections.slice(i, i + USERS_PER_CALL)
        const keys = batch.flatMap(c => [connsKey(c.userId), seenKey(c.userId)])
        await commands.sbPresenceBeat(keys.length, ...keys, ttlMs, SEEN_TTL_MS, ...batch.map(c => c.connectionId))
      }
    },
    setStatus: (userId, connectionId, status) => touch(userId, connectionId, status),
    async disconnect(userId, connectionId) {
      const [before, after, seenMs] = await commands.sbPresenceDisconnect(connsKey(userId), seenKey(userId), connectionId, SEEN_TTL_MS)
      return { before: before as PresenceStatus, after: { status: after as PresenceStatus, lastSeenAt: new Date(Number(seenMs)).toISOString() } }
    },
    async listConnections(userId) {
      const fields = await redis.hgetall(connsKey(userId))
      const now = Date.now()
      return Object.entries(fields).filter(([, value]) => Number(value.split('|')[1]) > now).map(([id]) => id)
    },
    async get(userIds) {
      const result: Record<string, UserPresence> = {}
      const unique = [...new Set(userIds)]
      for (let i = 0; i < unique.length; i += USERS_PER_CALL) {
        const batch = unique.slice(i, i + USERS_PER_CALL)
        const keys = batch.flatMap(id => [connsKey(id), seenKey(id)])
        const rows = await commands.sbPresenceRead(keys.length, ...keys)
        batch.forEach((id, n) => {
          const seen = rows[n * 2 + 1]
          result[id] = { status: rows[n * 2] as PresenceStatus, lastSeenAt: seen ? new Date(Number(seen)).toISOString() : null }
        })
      }
      return result
    }
  }
}
