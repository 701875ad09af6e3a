import type { Peer } from 'crossws'
import type { WebSocket } from 'ws'

// What the socket endpoint (server/routes/ws.ts) needs from crossws's Node peer beyond its cross-runtime API.
// Both reach into crossws's internals on purpose and fall back to doing nothing special if its shape changes;
// tests/unit/crossws-peer.test.ts runs them against the installed crossws.

// On Node the peer's socket is a `ws` WebSocket: protocol pings, bufferedAmount and the binary flag of a frame
// are `ws` API that the cross-runtime Peer does not cover. `peer.websocket` wraps it in a Proxy (to polyfill
// `protocol`, `url` and `extensions`, which we do not read), and every property that `ws.send` reads on `this`
// would then go through the Proxy's trap, once per frame per recipient: the fan-out path takes the socket
// itself. The Proxy stays the fallback if crossws ever stops keeping the socket there.
export const nodeSocket = (peer: Peer) => ((peer as unknown as { _internal?: { ws?: WebSocket } })._internal?.ws ?? peer.websocket) as unknown as WebSocket

/**
 * crossws keeps the upgrade request for the socket's whole life: the IncomingMessage with its headers, and the
 * full URL with the token, built twice (about 2.5 KB per socket, an eighth of an idle socket). Once the socket is
 * open nothing needs it but two things, kept here: the context (the authenticated user) and the path, which
 * Nitro's hook resolver reads on every frame to find this handler. Left alone if crossws's shape ever changes.
 */
export function releaseUpgradeRequest(peer: Peer) {
  const internal = (peer as unknown as { _internal?: { nodeReq?: { _context?: unknown, socket?: unknown }, request?: { url?: string } } })._internal
  const nodeReq = internal?.nodeReq
  if (!internal || !nodeReq || typeof nodeReq._context !== 'object' || typeof internal.request?.url !== 'string') return
  internal.request = { url: new URL(internal.request.url, 'http://localhost').pathname }
  internal.nodeReq = { _context: nodeReq._context, socket: nodeReq.socket }
}

/**
 * Hands every frame of the socket to `onFrame` straight from `ws`, in arrival order, instead of through
 * crossws. crossws's own listener calls Nitro's hook resolver for every frame before the `message` hook runs:
 * it parses the peer's URL, walks the app's handler stack and router and chains several promises to find the
 * same handler again (about 3% of the server's CPU at 2,000 sends/s). Its listener, the only one on a fresh
 * socket, is replaced; `false` (nothing replaced) when crossws ever stops listening this way, and then its
 * `message` hook is still the way in.
 */
export function receiveFramesDirectly(ws: WebSocket, onFrame: (data: Buffer, isBinary: boolean) => void): boolean {
  const crosswsListeners = ws.listeners('message')
  if (crosswsListeners.length !== 1) return false
  ws.off('message', crosswsListeners[0] as (...args: unknown[]) => void)
  ws.on('message', (data, isBinary) => {
    // `ws` hands a Buffer for its default binaryType; the other shapes only if someone changes it.
    onFrame(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data), isBinary)
  })
  return true
}
