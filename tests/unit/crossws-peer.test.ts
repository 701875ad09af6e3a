import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Peer } from 'crossws'
import nodeAdapter from 'crossws/adapters/node'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { nodeSocket, receiveFramesDirectly, releaseUpgradeRequest } from '../../server/realtime/peer'

// The two reaches into crossws's Node peer (server/realtime/peer.ts), run against the installed crossws with a
// real HTTP server and socket: if crossws changes its internals, these fail instead of the helpers quietly
// doing nothing special.
const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

/** Opens one socket to a crossws node adapter and hands its peer, after `open`, to `inspect`. */
async function withOpenPeer(inspect: (peer: Peer) => void): Promise<{ echoed: string, hookCalls: number }> {
  let hookCalls = 0
  let opened!: (peer: Peer) => void
  const open = new Promise<Peer>(resolve => (opened = resolve))
  const adapter = nodeAdapter({
    hooks: {
      // As server/routes/ws.ts does: the upgrade hook fills the request's context, which the peer then carries.
      upgrade: (request) => {
        Object.assign((request as { context?: object }).context!, { user: 'someone' })
      },
      open: peer => opened(peer),
      message: (peer, message) => {
        hookCalls++
        peer.send(`echo ${message.text()} for ${(peer.context as { user: string }).user}`)
      }
    }
  })
  const server = createServer()
  server.on('upgrade', adapter.handleUpgrade)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => server.close())
  const port = (server.address() as AddressInfo).port
  const client = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${'x'.repeat(500)}`)
  cleanups.push(() => client.terminate())
  const clientOpen = new Promise(resolve => client.once('open', resolve))
  inspect(await open)
  await clientOpen
  const reply = new Promise<string>(resolve => client.once('message', data => resolve(String(data))))
  client.send('hello')
  return { echoed: await reply, hookCalls }
}

describe('crossws peer plumbing', () => {
  it('nodeSocket gives the ws socket itself, not the Proxy that peer.websocket wraps it in', async () => {
    await withOpenPeer((peer) => {
      const socket = nodeSocket(peer)
      expect(socket).not.toBe(peer.websocket)
      expect(socket.constructor.name).toBe('WebSocket')
      expect(typeof socket.ping).toBe('function')
    })
  })

  it('releaseUpgradeRequest drops the upgrade request but keeps the context and the path frames resolve by', async () => {
    const { echoed } = await withOpenPeer((peer) => {
      const internal = (peer as unknown as { _internal: { nodeReq: object, request: { url: string } } })._internal
      expect(internal.nodeReq.constructor.name).toBe('IncomingMessage')
      releaseUpgradeRequest(peer)
      expect(internal.nodeReq.constructor.name).toBe('Object')
      expect(internal.request).toEqual({ url: '/ws' })
      expect(peer.context).toEqual({ user: 'someone' })
    })
    // The peer still works afterwards: its frames reach the hooks and its context is intact.
    expect(echoed).toBe('echo hello for someone')
  })

  it('receiveFramesDirectly takes the frames from crossws: they reach the callback, not the message hook', async () => {
    const frames: Array<[string, boolean]> = []
    let replaced = false
    const { echoed, hookCalls } = await withOpenPeer((peer) => {
      const socket = nodeSocket(peer)
      replaced = receiveFramesDirectly(socket, (data, isBinary) => {
        frames.push([data.toString(), isBinary])
        socket.send(`direct ${data.toString()}`)
      })
    })
    expect(replaced).toBe(true)
    expect(echoed).toBe('direct hello')
    expect(frames).toEqual([['hello', false]])
    expect(hookCalls).toBe(0)
  })
})
