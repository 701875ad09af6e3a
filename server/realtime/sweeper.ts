import { listEndedAccess } from '../domain/auth/users'
import { useConfig } from '../platform/config'
import { useLogger } from '../platform/logger'
import { connections } from './hub'
import { usePresence } from '../adapters/presence/use-presence'
import { CLOSE_AUTH } from './connection'

/** The heartbeat interval is cut into this many ticks; each pings one slice of the sockets (by heartbeatSlot). */
const HEARTBEAT_SLICES = 10

/**
 * Every WS_SWEEP_MS: close sockets whose token expired, whose session was revoked or whose user was suspended
 * (4001, well within the contract's 30 s), drop sockets silent for WS_IDLE_MS, and ping the rest so proxies and
 * presence see them alive. One batched query per sweep, whatever the number of sockets. This is per-instance
 * work on this instance's own sockets, so it is a local timer and not a job.
 */
export function startSweeper(): () => void {
  const { sweepMs, idleMs, heartbeatMs } = useConfig().realtime
  let running = false
  const sweep = async () => {
    if (running || connections.size === 0) return
    running = true
    try {
      const now = Date.now()
      const live = [...connections.values()]
      for (const c of live) {
        if (c.expiresAt !== null && c.expiresAt <= now) c.ws.close(CLOSE_AUTH, 'token expired')
        else if (now - c.lastActivity > idleMs) c.ws.terminate()
      }
      const ended = await listEndedAccess(
        [...new Set(live.map(c => c.user.sessionId).filter((id): id is string => !!id))],
        [...new Set(live.map(c => c.user.id))]
      )
      for (const c of live) {
        if ((c.user.sessionId && ended.sessionIds.has(c.user.sessionId)) || ended.userIds.has(c.user.id)) c.ws.close(CLOSE_AUTH, 'session ended')
      }
    } catch (error) {
      useLogger().warn('socket sweep failed', { error })
    } finally {
      running = false
    }
  }
  // Heartbeats: one timer for every socket, each tick taking the next slice of them, so 20,000 sockets cost
  // a steady trickle of pings and one presence call per slice instead of a burst (or a timer) per socket.
  let tick = 0
  const pinger = setInterval(() => {
    const slice = tick++ % HEARTBEAT_SLICES
    const beating: Array<{ userId: string, connectionId: string }> = []
    for (const c of connections.values()) {
      if (c.heartbeatSlot % HEARTBEAT_SLICES !== slice) continue
      if (c.ws.readyState === c.ws.OPEN) c.ws.ping()
      beating.push({ userId: c.user.id, connectionId: c.id })
    }
    if (beating.length) usePresence().heartbeat(beating).catch(() => {})
  }, Math.max(1, Math.floor(heartbeatMs / HEARTBEAT_SLICES)))
  const sweeper = setInterval(sweep, sweepMs)
  pinger.unref()
  sweeper.unref()
  return () => {
    clearInterval(pinger)
    clearInterval(sweeper)
  }
}
