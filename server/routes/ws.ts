import type { Peer } from 'crossws'
import type { AuthUser } from '../domain/auth/users'
import { authenticateUpgrade } from '../realtime/auth'
import { closeConnection, handleFrame, openConnection } from '../realtime/connection'
import type { Connection } from '../realtime/hub'
import { nodeSocket, releaseUpgradeRequest } from '../realtime/peer'
import { useLogger } from '../platform/logger'

interface SocketContext { user?: AuthUser, expiresAt?: number | null, connection?: Promise<Connection | undefined>, rejected?: boolean }
const ctx = (peer: Peer) => peer.context as SocketContext

/** The socket endpoint (contract §5): authenticate the upgrade, then hand every frame to the realtime layer. */
export default defineWebSocketHandler({
  async upgrade(request) {
    const { user, expiresAt } = await authenticateUpgrade(request)
    Object.assign(request.context!, { user, expiresAt })
  },
  open(peer) {
    const ws = nodeSocket(peer)
    ws.on('message', (_data, isBinary) => {
      if (isBinary) {
        ctx(peer).rejected = true
        ws.close(1003, 'binary frames are not supported')
      }
    })
    ws.on('pong', () => {
      ctx(peer).connection?.then((c) => {
        if (c) c.lastActivity = Date.now()
      })
    })
    const { user, expiresAt } = ctx(peer)
    releaseUpgradeRequest(peer)
    ctx(peer).connection = openConnection(ws, user!, expiresAt ?? null).catch((error) => {
      useLogger().error('socket open failed', { userId: user?.id, error })
      ws.close(1011, 'unavailable')
      return undefined
    })
  },
  async message(peer, message) {
    if (ctx(peer).rejected) return
    const connection = await ctx(peer).connection
    if (connection) await handleFrame(connection, message.text())
  },
  async close(peer) {
    const connection = await ctx(peer).connection
    if (connection) await closeConnection(connection)
  },
  async error(peer) {
    const connection = await ctx(peer).connection
    if (connection) await closeConnection(connection)
  }
})
