import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Actor, ProjectFixture } from '../helpers/api'
import { createConversation, createProjectFixture, fetchHistory, on, range, startCluster, startPrivateRedis, waitFor } from './cluster'
import type { Cluster, PrivateRedis } from './cluster'
import { ResilientClient } from './resilient-client'

let redis: PrivateRedis
let cluster: Cluster
let f: ProjectFixture
const clients: ResilientClient[] = []

const BATCH = 15
const PHASES = ['before', 'during', 'after']

/** Waits until a probe sent by `sender` is applied by `receiver` as a live event; re-probes while the bus is still down. */
async function probeUntilLive(sender: ResilientClient, receiver: ResilientClient, conversationId: string) {
  let probes = 0
  return waitFor(async () => {
    const ack = await sender.send(conversationId, `probe ${++probes} from ${sender.label}`)
    const applied = await waitFor(() => receiver.events.get(conversationId)!.get(ack.seq), 'probe', 1500).catch(() => undefined)
    return applied && { ...applied, probes }
  }, `a probe from ${sender.label} to reach ${receiver.label} live`, 60_000, 0)
}

describe('a Redis restart under a two-instance cluster', () => {
  beforeAll(async () => {
    // A private redis-server: this cluster's bus can really go down without disturbing other runs.
    redis = await startPrivateRedis()
    cluster = await startCluster({}, { REDIS_URL: redis.url })
    f = await createProjectFixture(cluster.a.baseURL, cluster.admin)
  })

  afterEach(() => {
    for (const c of clients.splice(0)) c.close()
  })

  afterAll(async () => {
    try {
      await cluster?.teardown()
    } finally {
      await redis?.stop()
    }
  })

  it('keeps acking sends, resubscribes both instances by itself and lets clients converge through sync', async () => {
    const { a, b } = cluster
    expect(a.env.REDIS_URL).toBe(redis.url)
    expect(b.env.REDIS_URL).toBe(redis.url)
    const conv = await createConversation(f, [f.client, f.client2, f.owner], 'Redis')
    const client = (label: string, actor: Actor, url: string) => {
      const c = new ResilientClient(label, [url], actor.token).track(conv, 0)
      clients.push(c)
      return c
    }
    const senderA = client('staff-on-a', f.staff, a.baseURL)
    const senderB = client('client2-on-b', f.client2, b.baseURL)
    const receiverA = client('client-on-a', f.client, a.baseURL)
    const receiverB = client('owner-on-b', f.owner, b.baseURL)
    const everyone = [senderA, senderB, receiverA, receiverB]
    await Promise.all(everyone.map(c => c.connect()))
    const sendBatch = (label: string) => Promise.all([senderA, senderB].map(async (s) => {
      for (let n = 0; n < BATCH; n++) await s.send(conv, `${label} ${n} from ${s.label}`, `${s.label}-${label}-${n}`)
    }))

    await sendBatch('before')
    await waitFor(() => everyone.every(c => c.cursor(conv) === 2 * BATCH), 'the first batch to reach every socket live')

    await redis.kill()
    // Sends commit and ack with the bus down: the events table is the record, the publish is best-effort.
    await sendBatch('during')
    expect([senderA, senderB].every(s => s.outbox.size === 0)).toBe(true)
    // Nothing crossed instances meanwhile. An instance still delivers its own publishes to its own sockets
    // (and its sequencer may fill a gap from the events table), so a receiver may be anywhere up to the end,
    // but never past what was committed.
    for (const receiver of [receiverA, receiverB]) {
      expect(receiver.cursor(conv)).toBeGreaterThanOrEqual(2 * BATCH)
      expect(receiver.cursor(conv)).toBeLessThanOrEqual(4 * BATCH)
    }

    await redis.start()
    // The lost *last* events show up in ping's heads; sync fills the gap over the same sockets.
    for (const c of everyone) await c.settle()
    for (const c of everyone) expect(c.cursor(conv), c.label).toBe(4 * BATCH)

    // Each instance resubscribed on its own: a send on one reaches a socket on the other without a reconnect.
    const atB = await probeUntilLive(senderA, receiverB, conv)
    const atA = await probeUntilLive(senderB, receiverA, conv)
    expect(atB.via).toBe('live')
    expect(atA.via).toBe('live')

    await sendBatch('after')
    for (const c of everyone) await c.settle()
    const history = await fetchHistory(on(a, f.staff).api, conv)
    expect(history.map(m => m.seq)).toEqual(range(1, history.length))
    expect(history).toHaveLength(6 * BATCH + atB.probes + atA.probes)
    for (const s of [senderA, senderB]) {
      const mine = history.map(m => m.clientId).filter(id => PHASES.some(phase => id.startsWith(`${s.label}-${phase}-`)))
      expect(new Set(mine).size).toBe(3 * BATCH)
      expect(mine).toHaveLength(3 * BATCH)
    }
    const expected = history.map(m => ({ seq: m.seq, id: m.id }))
    for (const c of everyone) {
      expect(c.anomalies, c.label).toEqual([])
      expect(c.messages(conv), c.label).toEqual(expected)
      // The sockets survived the outage: recovery needed no reconnect.
      expect(c.connections, c.label).toBe(1)
    }
    // After recovery the last batch travelled live, not through sync.
    const lastBatch = history.filter(m => m.content?.startsWith('after '))
    for (const c of [receiverA, receiverB]) {
      expect(lastBatch.map(m => c.events.get(conv)!.get(m.seq)!.via), c.label).toEqual(lastBatch.map(() => 'live'))
    }
    // On one socket, outside a sync it asked for, no seq comes twice or out of order (contract §5).
    for (const c of everyone) expect(c.orderViolations, c.label).toEqual([])
  })
})
