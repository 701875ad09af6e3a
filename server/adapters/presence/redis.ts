import type { Redis } from 'ioredis'
import type { ConnectionStatus, PresenceStatus, PresenceStore, UserPresence } from './presence'

// Both scripts take the clock from Redis (TIME), so instances with skewed clocks agree on what has expired.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

// KEYS: connections hash (field = connection id, value = "<status>|<expiresAtMs>"), last-seen key.
// ARGV: connection id, status ('' keeps the current one), ttl ms, last-seen ttl ms, 'touch' | 'drop'.
const TOUCH = `${NOW}
local current = redis.call('HGET', KEYS[1], ARGV[1])
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local expires = tonumber(string.match(fields[i + 1], '|(%d+)$') or '0')
  if expires <= now then redis.call('HDEL', KEYS[1], fields[i]) end
end
redis.call('SET', KEYS[2], string.format('%d', now), 'PX', ARGV[4])
if ARGV[5] == 'drop' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 0
end
local status = ARGV[2]
if status == '' then status = current and string.match(current, '^(%a+)|') or 'online' end
local ttl = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], status .. '|' .. string.format('%d', now + ttl))
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`

// KEYS: pairs of (connections hash, last-seen key). Returns pairs of (aggregate status, last-seen ms or '').
const READ = `${NOW}
local out = {}
for i = 1, #KEYS, 2 do
  local best = 'offline'
  local fields = redis.call('HGETALL', KEYS[i])
  for j = 2, #fields, 2 do
    local status, expires = string.match(fields[j], '^(%a+)|(%d+)$')
    if status and tonumber(expires) > now then
      if status == 'online' then best = 'online' elseif best ~= 'online' then best = 'away' end
    end
  end
  out[#out + 1] = best
  out[#out + 1] = redis.call('GET', KEYS[i + 1]) or ''
end
return out
`

const SEEN_TTL_MS = 30 * 24 * 3600 * 1000
const READ_BATCH = 500

interface PresenceCommands {
  sbPresenceTouch(conns: string, seen: string, connectionId: string, status: string, ttlMs: number, seenTtlMs: number, mode: 'touch' | 'drop'): Promise<number>
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
  const commands = redis as unknown as PresenceCommands
  const connsKey = (userId: string) => `presence:conns:${userId}`
  const seenKey = (userId: string) => `presence:seen:${userId}`

  async function touch(userId: string, connectionId: string, status: ConnectionStatus | '', mode: 'touch' | 'drop') {
    await commands.sbPresenceTouch(connsKey(userId), seenKey(userId), connectionId, status, ttlMs, SEEN_TTL_MS, mode)
  }

  return {
    connect: (userId, connectionId, status) => touch(userId, connectionId, status, 'touch'),
    heartbeat: (userId, connectionId) => touch(userId, connectionId, '', 'touch'),
    setStatus: (userId, connectionId, status) => touch(userId, connectionId, status, 'touch'),
    disconnect: (userId, connectionId) => touch(userId, connectionId, '', 'drop'),
    async listConnections(userId) {
      const fields = await redis.hgetall(connsKey(userId))
      const now = Date.now()
      return Object.entries(fields).filter(([, value]) => Number(value.split('|')[1]) > now).map(([id]) => id)
    },
    async get(userIds) {
      const result: Record<string, UserPresence> = {}
      const unique = [...new Set(userIds)]
      for (let i = 0; i < unique.length; i += READ_BATCH) {
        const batch = unique.slice(i, i + READ_BATCH)
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
