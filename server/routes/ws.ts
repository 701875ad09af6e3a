import type { WebSocket } from 'ws'
import type { Peer } from 'crossws'
import type { AuthUser } from '../utils/auth'
import type { Connection } from '../utils/realtime-hub'

// The raw `ws` socket behind a crossws peer (node adapter): needed for the frame-size limit, binary
// detection, bufferedAmount and protocol pings, none of which crossws 0.3 exposes.
const rawSocket = (peer: Peer) => (peer as unknown as { _internal: { ws: WebSocket } })._internal.ws

interface SocketContext { user?: AuthUser, expiresAt?: number | null, connection?: Promise<Connection | undefined>, rejected?: boolean }
const ctx = (peer: Peer) => peer.context as SocketContext

export default defineWebSocketHandler({
  async upgrade(request) {
    const { user, expiresAt } = await authenticateUpgrade(request as unknown as UpgradeRequest)
    Object.assign(request.context!, { user, expiresAt })
  },
  open(peer) {
    const ws = rawSocket(peer)
    // Oversized frames are refused by ws itself (close 1009) as soon as the header announces them,
    // before the payload is buffered; the server option is not reachable through Nitro, so set it here.
    ;(ws as unknown as { _receiver: { _maxPayload: number } })._receiver._maxPayload = MAX_FRAME_BYTES
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
      console.error('[switchboard] socket open failed', error)
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
