import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Actor, ProjectFixture } from '../helpers/api'
import { createConversation, createProjectFixture, fetchHistory, on, range, startCluster, waitFor } from './cluster'
import type { Cluster } from './cluster'
import { ResilientClient } from './resilient-client'
import type { Ack } from './resilient-client'

let cluster: Cluster
let f: ProjectFixture
const clients: ResilientClient[] = []

const PER_SENDER = 80
const WINDOW = 4

/** Sends continuously, at most WINDOW unacked at a time; resolves when every message is acked. */
async function sendStream(client: ResilientClient, conversationId: string, count: number): Promise<Ack[]> {
  const inFlight = new Set<Promise<Ack>>()
  const all: Array<Promise<Ack>> = []
  for (let n = 0; n < count; n++) {
    const p = client.send(conversationId, `${client.label} message ${n}`, `${client.label}-${n}`)
    all.push(p)
    inFlight.add(p)
    p.finally(() => inFlight.delete(p)).catch(() => {})
    if (inFlight.size >= WINDOW) await Promise.race(inFlight)
  }
  return Promise.all(all)
}

describe('an instance killed with SIGKILL mid-stream', () => {
  beforeAll(async () => {
    cluster = await startCluster()
    f = await createProjectFixture(cluster.a.baseURL, cluster.admin)
  })

  afterEach(() => {
    for (const c of clients.splice(0)) c.close()
  })

  afterAll(async () => {
    await cluster?.teardown()
  })

  it('leaves every client, after failover, resend and sync, with exactly the database history', async () => {
    const { a, b } = cluster
    const conv = await createConversation(f, [f.client, f.client2, f.owner], 'Crash')
    const client = (label: string, actor: Actor, urls: string[]) => {
      const c = new ResilientClient(label, urls, actor.token).track(conv, 0)
      clients.push(c)
      return c
    }
    // Senders and one receiver start on A (failing over to B); a receiver and a sender's second tab sit on B.
    const senders = [client('staff', f.staff, [a.baseURL, b.baseURL]), client('client', f.client, [a.baseURL, b.baseURL]), client('client2', f.client2, [a.baseURL, b.baseURL])]
    const receivers = [client('owner-on-a', f.owner, [a.baseURL, b.baseURL]), client('owner-on-b', f.owner, [b.baseURL]), client('staff-on-b', f.staff, [b.baseURL])]
    await Promise.all([...senders, ...receivers].map(c => c.connect()))
    for (const c of [...senders, ...receivers.slice(0, 1)]) expect(c.urlsUsed).toEqual([a.baseURL])

    const streams = senders.map(s => sendStream(s, conv, PER_SENDER))
    const acked = () => senders.reduce((sum, s) => sum + s.acks.size, 0)
    await waitFor(() => acked() >= PER_SENDER, 'a third of the stream to be acked')
    await a.stop('SIGKILL')
    expect(a.child.signalCode).toBe('SIGKILL')
    const ackedBeforeKill = acked()

    const acks = await Promise.all(streams)
    for (const c of [...senders, ...receivers]) await c.settle()

    const history = await fetchHistory(on(b, f.staff).api, conv)
    const expected = history.map(m => ({ seq: m.seq, id: m.id }))
    // No gaps, no reuse: the database holds seq 1..N, one message per sender and clientId.
    expect(history.map(m => m.seq)).toEqual(range(1, history.length))
    expect(history).toHaveLength(senders.length * PER_SENDER)
    senders.forEach((sender, i) => {
      const mine = history.filter(m => m.senderId === [f.staff, f.client, f.client2][i]!.user.id).map(m => m.clientId).sort()
      expect(mine).toEqual(range(0, PER_SENDER - 1).map(n => `${sender.label}-${n}`).sort())
      expect(sender.outbox.size).toBe(0)
      // Every ack names the stored message, whether it was the first attempt or a re-send after the crash.
      for (const ack of acks[i]!) expect(history.find(m => m.id === ack.messageId)?.seq).toBe(ack.seq)
    })
    for (const c of [...senders, ...receivers]) {
      expect(c.anomalies, c.label).toEqual([])
      expect(c.messages(conv), c.label).toEqual(expected)
      expect(c.cursor(conv), c.label).toBe(history.length)
    }
    // The crash really happened mid-stream and was recovered through the other instance.
    expect(ackedBeforeKill).toBeLessThan(senders.length * PER_SENDER)
    for (const c of [...senders, receivers[0]!]) expect(c.urlsUsed).toEqual([a.baseURL, b.baseURL])
    for (const c of receivers.slice(1)) expect(c.connections).toBe(1)
    // On one socket, outside a sync it asked for, no seq comes twice or out of order (contract §5).
    for (const c of [...senders, ...receivers]) expect(c.orderViolations, c.label).toEqual([])
  })
})
