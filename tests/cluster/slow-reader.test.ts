import type { Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProjectFixture } from '../helpers/api'
import { wsConnect } from '../helpers/ws'
import type { TestSocket } from '../helpers/ws'
import { createConversation, createProjectFixture, fetchHistory, on, range, startCluster, waitFor } from './cluster'
import type { Cluster } from './cluster'

let cluster: Cluster
let f: ProjectFixture

// 4 conversations × 100 messages × ~4.4 KB ≈ 1.8 MB, written in parallel (one row lock per conversation).
const CONVERSATIONS = 4
const PER_CONVERSATION = 100
const WINDOW = 8
const CONTENT_CHARS = 4400
// The kernel's socket buffers absorb several MB for a reader that stopped (sndbuf autotuning up to tcp_wmem's
// max), so the stalled client also asks for the whole history again a few times: a replay is written in
// bursts with no commit in between, which is what overruns the hard cap deterministically.
const REPLAYS = 8
// How often a reader closed for being slow must have read some of its backlog, or be dropped.
const GRACE_MS = 5000

const rawSocket = (s: TestSocket) => (s.ws as unknown as { _socket: Socket })._socket
const seqsOf = (s: TestSocket, conversationId: string) =>
  s.frames.filter(fr => fr.type === 'message:new' && fr.conversationId === conversationId).map(fr => fr.seq)

/** Sends `count` messages over one socket with up to WINDOW requests in flight. */
async function blast(s: TestSocket, conversationId: string, label: string, count: number) {
  const pad = 'x'.repeat(CONTENT_CHARS)
  const inFlight = new Set<Promise<unknown>>()
  for (let n = 0; n < count; n++) {
    const p = s.request('message:send', { conversationId, clientId: `${label}-${n}`, content: `${label} ${n} ${pad}` }).then((reply) => {
      if (!reply.ok) throw new Error(`send ${label}-${n} failed: ${JSON.stringify(reply.error)}`)
    })
    inFlight.add(p)
    p.finally(() => inFlight.delete(p)).catch(() => {})
    if (inFlight.size >= WINDOW) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
}

describe('a socket that stops reading', () => {
  beforeAll(async () => {
    // Small buffer caps so the stalled socket reaches the hard cap after a few MB, not tens.
    cluster = await startCluster({ WS_SOFT_BUFFER_BYTES: '16384', WS_HARD_BUFFER_BYTES: '65536', WS_SLOW_CLOSE_GRACE_MS: String(GRACE_MS) })
    f = await createProjectFixture(cluster.a.baseURL, cluster.admin)
  })

  afterAll(async () => {
    await cluster?.teardown()
  })

  it('does not hold back the other sockets and is closed by the server with 1013', async () => {
    const { a, b } = cluster
    const convs = await Promise.all(range(1, CONVERSATIONS).map(i => createConversation(f, [f.client, f.client2, f.owner], `Firehose ${i}`)))
    const stalled = await wsConnect(a.baseURL, { token: f.client2.token })
    const peerOnA = await wsConnect(a.baseURL, { token: f.owner.token })
    const peerOnB = await wsConnect(b.baseURL, { token: f.client.token })
    rawSocket(stalled).pause()

    const senders = await Promise.all(convs.map((_, i) => wsConnect(i % 2 ? a.baseURL : b.baseURL, { token: f.staff.token })))
    await Promise.all(senders.map((s, i) => blast(s, convs[i]!, `blast${i}`, PER_CONVERSATION)))
    for (const peer of [peerOnA, peerOnB]) {
      await waitFor(() => convs.every(conv => seqsOf(peer, conv).length >= PER_CONVERSATION), 'every message at a reading peer', 60_000, 50)
      for (const conv of convs) expect(seqsOf(peer, conv)).toEqual(range(1, PER_CONVERSATION))
      expect(peer.ws.readyState).toBe(peer.ws.OPEN)
    }
    for (const conv of convs) expect((await fetchHistory(on(b, f.staff).api, conv)).map(m => m.seq)).toEqual(range(1, PER_CONVERSATION))

    for (let i = 0; i < REPLAYS; i++) stalled.send({ type: 'sync', id: `replay-${i}`, data: { cursors: Object.fromEntries(convs.map(c => [c, 0])) } })
    // Read again, slowly: slower than the replays arrive, so the buffer cap is what ends it, and fast enough
    // to reach the close frame before ws's 30 s closing timeout would drop it.
    const raw = rawSocket(stalled)
    raw.on('data', () => {
      raw.pause()
      setTimeout(() => raw.resume(), 50)
    })
    raw.resume()
    const closed = await Promise.race([stalled.closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the stalled socket was never closed; it got ${stalled.frames.length} frames`)), 60_000))])
    expect(closed.code).toBe(1013)
    // What it did get came in order: live events from seq 1, then replays, each from seq 1 again.
    for (const conv of convs) {
      const seqs = seqsOf(stalled, conv)
      expect(seqs.filter((seq, i) => seq !== 1 && seq !== seqs[i - 1]! + 1)).toEqual([])
    }
    expect(stalled.frames.some(fr => fr.type === 'reply' && fr.id === `replay-${REPLAYS - 1}`)).toBe(false)

    // The readers were never disturbed, and the instance still serves them.
    const after = await senders[1]!.request('message:send', { conversationId: convs[0], clientId: 'after-close', content: 'after the slow reader left' })
    for (const peer of [peerOnA, peerOnB]) {
      await waitFor(() => seqsOf(peer, convs[0]!).includes(after.data.message.seq), 'a message after the close')
      expect(peer.ws.readyState).toBe(peer.ws.OPEN)
    }
  })
  it('drops a reader that never reads again once the grace is over, not after ws\'s 30 s closing timeout', async () => {
    const { a } = cluster
    const conv = await createConversation(f, [f.client, f.client2, f.owner], 'Never reads again')
    const sender = await wsConnect(a.baseURL, { token: f.staff.token })
    await blast(sender, conv, 'history', PER_CONVERSATION)
    const watcher = await wsConnect(a.baseURL, { token: f.owner.token })
    const stalled = await wsConnect(a.baseURL, { token: f.client2.token })
    await waitFor(() => watcher.frames.some(fr => fr.type === 'presence' && fr.data.userId === f.client2.user.id && fr.data.status === 'online'), 'the stalled user online')
    rawSocket(stalled).pause()
    const stalledAt = Date.now()
    // Enough replays of its 100 messages to fill the kernel's buffers and then pass the hard cap.
    for (let i = 0; i < REPLAYS * CONVERSATIONS * 2; i++) stalled.send({ type: 'sync', id: `never-${i}`, data: { cursors: { [conv]: 0 } } })
    // The server's side of the socket is gone when the user's last socket closes: their presence turns offline.
    // With the close frame stuck behind the unread replays, that took ws's 30 s closing timeout.
    await waitFor(() => watcher.frames.some(fr => fr.type === 'presence' && fr.data.userId === f.client2.user.id && fr.data.status === 'offline'),
      'the stalled user to go offline', 20_000, 50)
    expect(Date.now() - stalledAt).toBeLessThan(20_000)
    expect(watcher.ws.readyState).toBe(watcher.ws.OPEN)
  })
})
