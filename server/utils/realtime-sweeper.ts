import { and, gt, inArray, isNotNull, or, sql } from 'drizzle-orm'
import { sessions, users } from '../db/schema'
import { useDb } from './db'
import { connections } from './realtime-hub'
import { CLOSE_AUTH, HEARTBEAT_MS, touchPresence } from './realtime-connection'

const SWEEP_MS = Number(process.env.WS_SWEEP_MS || 10_000)
const IDLE_MS = Number(process.env.WS_IDLE_MS || 60_000)

/**
 * Every SWEEP_MS: close sockets whose token expired, whose session was revoked or whose user was suspended
 * (4001, well within the contract's 30 s), drop sockets silent for IDLE_MS, and ping the rest so proxies and
 * presence see them alive. One batched query per sweep, whatever the number of sockets.
 */
export function startSweeper(): () => void {
  let running = false
  const sweep = async () => {
    if (running || connections.size === 0) return
    running = true
    try {
      const now = Date.now()
      const live = [...connections.values()]
      for (const c of live) {
        if (c.expiresAt !== null && c.expiresAt <= now) c.ws.close(CLOSE_AUTH, 'token expired')
        else if (now - c.lastActivity > IDLE_MS) c.ws.terminate()
      }
      const sessionIds = [...new Set(live.map(c => c.user.sessionId).filter((id): id is string => !!id && /^[0-9a-f-]{36}$/.test(id)))]
      const userIds = [...new Set(live.map(c => c.user.id))]
      const db = await useDb()
      const [revoked, suspended] = await Promise.all([
        sessionIds.length
          ? db.select({ id: sessions.id }).from(sessions).where(and(inArray(sessions.id, sessionIds), or(isNotNull(sessions.revokedAt), sql`${sessions.expiresAt} <= now()`)))
          : [],
        db.select({ id: users.id }).from(users).where(and(inArray(users.id, userIds), gt(users.suspendedUntil, sql`now()`)))
      ])
      const badSessions = new Set(revoked.map(r => r.id))
      const badUsers = new Set(suspended.map(r => r.id))
      for (const c of live) {
        if ((c.user.sessionId && badSessions.has(c.user.sessionId)) || badUsers.has(c.user.id)) c.ws.close(CLOSE_AUTH, 'session ended')
      }
    } catch (error) {
      console.warn('[switchboard] socket sweep failed:', (error as Error).message)
    } finally {
      running = false
    }
  }
  const pinger = setInterval(() => {
    for (const c of connections.values()) {
      if (c.ws.readyState === c.ws.OPEN) c.ws.ping()
      touchPresence(c)
    }
  }, HEARTBEAT_MS)
  const sweeper = setInterval(sweep, SWEEP_MS)
  pinger.unref()
  sweeper.unref()
  return () => {
    clearInterval(pinger)
    clearInterval(sweeper)
  }
}
