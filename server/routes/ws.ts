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

/** One text frame, in arrival order, whichever way it came in (see receiveFramesDirectly). */
async function receiveText(peer: Peer, text: string) {
  if (ctx(peer).rejected) return
  const connection = await ctx(peer).connection
  // handleFrame answers every failure of an op itself; this catches only a socket that broke while replying.
  if (connection) await handleFrame(connection, text).catch(error => useLogger().warn('frame not handled', { error }))
}

/** The socket endpoint (contract §5): authenticate the upgrade, then hand every frame to the realtime layer. */
export default defineWebSocketHandler({
  async upgrade(request) {
    const { user, expiresAt } = await authenticateUpgrade(request)
    Object.assign(request.context!, { user, expiresAt })
  },
  open(peer) {
    const ws = nodeSocket(peer)
    const direct = receiveFramesDirectly(ws, (data, isBinary) => {
      if (isBinary) rejectBinary(peer)
      else void receiveText(peer, data.toString())
    })
    // Otherwise crossws's listener stays and its `message` hook below gets the text; binary frames are caught here.
    if (!direct) ws.on('message', (_data, isBinary) => isBinary && rejectBinary(peer))
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
  message: (peer, message) => receiveText(peer, message.text()),
  async close(peer) {
    const connection = await ctx(peer).connection
    if (connection) await closeConnection(connection)
  },
  async error(peer) {
    const connection = await ctx(peer).connection
    if (connection) await closeConnection(connection)
  }
})
