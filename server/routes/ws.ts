import type { Peer } from 'crossws'
import type { WebSocket } from 'ws'
import type { AuthUser } from '../domain/auth/users'
import { authenticateUpgrade } from '../realtime/auth'
import { closeConnection, handleFrame, openConnection } from '../realtime/connection'
import type { Connection } from '../realtime/hub'
import { useLogger } from '../platform/logger'

interface SocketContext { user?: AuthUser, expiresAt?: number | null, connection?: Promise<Connection | undefined>, rejected?: boolean }
const ctx = (peer: Peer) => peer.context as SocketContext

// On Node the peer's socket is a `ws` WebSocket: protocol pings, bufferedAmount and the binary flag of a frame
// are `ws` API that the cross-runtime Peer does not cover. `peer.websocket` wraps it in a Proxy (to polyfill
// `protocol`, `url` and `extensions`, which we do not read), and every property that `ws.send` reads on `this`
// would then go through the Proxy's trap, once per frame per recipient: the fan-out path takes the socket
// itself. The Proxy stays the fallback if crossws ever stops keeping the socket there.
const nodeSocket = (peer: Peer) => ((peer as unknown as { _internal?: { ws?: WebSocket } })._internal?.ws ?? peer.websocket) as unknown as WebSocket

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
