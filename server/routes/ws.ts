import type { Peer } from 'crossws'
import type { AuthUser } from '../domain/auth/users'
import { authenticateUpgrade } from '../realtime/auth'
import { closeConnection, handleFrame, openConnection } from '../realtime/connection'
import type { Connection } from '../realtime/hub'
import { nodeSocket, receiveFramesDirectly, releaseUpgradeRequest } from '../realtime/peer'
import { useLogger } from '../platform/logger'

interface SocketContext { user?: AuthUser, expiresAt?: number | null, connection?: Promise<Connection | undefined>, rejected?: boolean }
const ctx = (peer: Peer) => peer.context as SocketContext

function rejectBinary(peer: Peer) {
  ctx(peer).rejected = true
  nodeSocket(peer).close(1003, 'binary frames are not supported')
}

async function onFrame(peer: Peer, data: Buffer, isBinary: boolean) {
  if (isBinary) rejectBinary(peer)
  if (ctx(peer).rejected) return
  const connection = await ctx(peer).connection
  // handleFrame answers every failure of an op itself; this catches only a socket that broke while replying.
  if (connection) await handleFrame(connection, data.toString()).catch(error => useLogger().warn('frame not handled', { error }))
}

/** The socket endpoint (contract §5): authenticate the upgrade, then hand every frame to the realtime layer. */
export default defineWebSocketHandler({
  async upgrade(request) {
    const { user, expiresAt } = await authenticateUpgrade(request)
    Object.assign(request.context!, { user, expiresAt })
  },
  open(peer) {
    const ws = nodeSocket(peer)
    if (!receiveFramesDirectly(ws, (data, isBinary) => void onFrame(peer, data, isBinary))) {
      ws.on('message', (_data, isBinary) => {
        if (isBinary) rejectBinary(peer)
      })
    }
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
  // Only when crossws's frame listener could not be replaced (see receiveFramesDirectly).
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
