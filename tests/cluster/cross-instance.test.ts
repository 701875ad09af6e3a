import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inviteUser, uniq } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'
import { wsConnect } from '../helpers/ws'
import type { Frame, TestSocket } from '../helpers/ws'
import { createConversation, createProjectFixture, fetchHistory, on, range, startCluster } from './cluster'
import type { Cluster } from './cluster'

let cluster: Cluster
let f: ProjectFixture

const newMessages = (s: TestSocket, conversationId: string) =>
  s.frames.filter(fr => fr.type === 'message:new' && fr.conversationId === conversationId)
const mentions = (s: TestSocket, text: string) => s.frames.some(fr => JSON.stringify(fr).includes(text))

describe('two instances sharing Redis', () => {
  beforeAll(async () => {
    cluster = await startCluster()
    f = await createProjectFixture(cluster.a.baseURL, cluster.admin)
  })

  afterAll(async () => {
    await cluster?.teardown()
  })

  it('runs the two instances as separate processes on different ports', () => {
    expect(cluster.a.port).not.toBe(cluster.b.port)
    expect(cluster.a.child.pid).not.toBe(cluster.b.child.pid)
    expect(cluster.b.env.DATABASE_URL).toBe(cluster.a.env.DATABASE_URL)
    expect(cluster.b.env.REDIS_PREFIX).toBe(cluster.a.env.REDIS_PREFIX)
  })

  it('delivers every message sent through either instance, REST or WS, to sockets on both, in seq order', async () => {
    const conv = await createConversation(f, [f.client, f.client2, f.owner], 'Across')
    const onA = await wsConnect(cluster.a.baseURL, { token: f.client.token })
    const onB = await wsConnect(cluster.b.baseURL, { token: f.owner.token })
    const senders = {
      wsA: await wsConnect(cluster.a.baseURL, { token: f.staff.token }),
      wsB: await wsConnect(cluster.b.baseURL, { token: f.client2.token })
    }
    const perRoute = 25
    await Promise.all([
      (async () => {
        for (let n = 0; n < perRoute; n++) expect((await senders.wsA.request('message:send', { conversationId: conv, clientId: `wsA-${n}`, content: `ws via A ${n}` })).ok).toBe(true)
      })(),
      (async () => {
        for (let n = 0; n < perRoute; n++) expect((await senders.wsB.request('message:send', { conversationId: conv, clientId: `wsB-${n}`, content: `ws via B ${n}` })).ok).toBe(true)
      })(),
      (async () => {
        for (let n = 0; n < perRoute; n++) expect((await on(cluster.a, f.client).api.post(`/conversations/${conv}/messages`, { clientId: `restA-${n}`, content: `rest via A ${n}` })).status).toBe(201)
      })(),
      (async () => {
        for (let n = 0; n < perRoute; n++) expect((await on(cluster.b, f.owner).api.post(`/conversations/${conv}/messages`, { clientId: `restB-${n}`, content: `rest via B ${n}` })).status).toBe(201)
      })()
    ])
    const total = perRoute * 4
    const history = await fetchHistory(on(cluster.b, f.staff).api, conv)
    expect(history.map(m => m.seq)).toEqual(range(1, total))
    for (const socket of [onA, onB, senders.wsA, senders.wsB]) {
      await socket.next(fr => fr.type === 'message:new' && fr.conversationId === conv && fr.seq === total, 30_000)
      const live = newMessages(socket, conv)
      expect(live.map(fr => fr.seq)).toEqual(range(1, total))
      expect(live.map(fr => fr.data.message.id)).toEqual(history.map(m => m.id))
    }
    // Each route reached the other instance: B saw A's sends and A saw B's.
    const contents = (s: TestSocket) => newMessages(s, conv).map(fr => fr.data.message.content as string)
    expect(contents(onB).filter(c => c.endsWith('via A 0') || c.endsWith('via A 24'))).toHaveLength(4)
    expect(contents(onA).filter(c => c.endsWith('via B 0') || c.endsWith('via B 24'))).toHaveLength(4)
  })

  it('shows a user who connects to instance A as online, then offline, to a project peer on instance B', async () => {
    const peer = await inviteUser(f.owner.api, f.project.id, 'client', 'peer')
    const watcher = await wsConnect(cluster.b.baseURL, { token: f.owner.token })
    const isPeer = (status: string) => (fr: Frame) => fr.type === 'presence' && fr.data.userId === peer.user.id && fr.data.status === status
    const socket = await wsConnect(cluster.a.baseURL, { token: peer.token })
    await watcher.next(isPeer('online'))
    socket.close()
    expect((await watcher.next(isPeer('offline'))).data.lastSeenAt).toBeTruthy()
  })

  it('forwards typing from a socket on instance A to a watcher on instance B', async () => {
    const conv = await createConversation(f, [f.client2, f.owner], 'Typing')
    const typist = await wsConnect(cluster.a.baseURL, { token: f.client2.token })
    const watcher = await wsConnect(cluster.b.baseURL, { token: f.owner.token })
    const isTyping = (typing: boolean) => (fr: Frame) => fr.type === 'typing' && fr.conversationId === conv && fr.data.typing === typing
    expect((await typist.request('typing', { conversationId: conv, typing: true })).data.forwarded).toBe(true)
    expect((await watcher.next(isTyping(true))).data).toEqual({ userId: f.client2.user.id, typing: true })
    await typist.request('typing', { conversationId: conv, typing: false })
    expect((await watcher.next(isTyping(false))).data).toEqual({ userId: f.client2.user.id, typing: false })
    expect(typist.frames.some(fr => fr.type === 'typing')).toBe(false)
  })

  it('stops delivering a conversation to sockets on instance B once the participant is removed through instance A', async () => {
    const leaving: Actor = await inviteUser(f.owner.api, f.project.id, 'client', 'leaving')
    const conv = await createConversation(f, [leaving, f.client], 'Removal')
    const victimB = await wsConnect(cluster.b.baseURL, { token: leaving.token })
    const victimA = await wsConnect(cluster.a.baseURL, { token: leaving.token })
    const watcherA = await wsConnect(cluster.a.baseURL, { token: f.client.token })
    const watcherB = await wsConnect(cluster.b.baseURL, { token: f.client.token })
    const before = await on(cluster.a, f.staff).api.post(`/conversations/${conv}/messages`, { clientId: uniq('before'), content: 'visible before removal' })
    for (const s of [victimA, victimB]) await s.next(fr => fr.type === 'message:new' && fr.seq === before.body.message.seq)

    expect((await on(cluster.a, f.owner).api.del(`/projects/${f.project.id}/members/${leaving.user.id}`)).status).toBe(200)
    for (const s of [victimB, victimA]) expect((await s.next(fr => fr.type === 'conversation:removed')).data).toEqual({ conversationId: conv })

    const secrets = ['secret via A after removal', 'secret via B after removal']
    const viaA = await on(cluster.a, f.staff).api.post(`/conversations/${conv}/messages`, { clientId: uniq('afterA'), content: secrets[0] })
    const viaB = await on(cluster.b, f.client).api.post(`/conversations/${conv}/messages`, { clientId: uniq('afterB'), content: secrets[1] })
    expect([viaA.status, viaB.status]).toEqual([201, 201])
    // Both instances have fanned the later events out (their other sockets got them) before we look.
    for (const w of [watcherA, watcherB]) await w.next(fr => fr.type === 'message:new' && fr.seq === viaB.body.message.seq)
    const edited = await on(cluster.b, f.client).api.patch(`/messages/${viaB.body.message.id}`, { content: 'edited secret after removal' })
    expect(edited.status).toBe(200)
    for (const w of [watcherA, watcherB]) await w.next(fr => fr.type === 'message:updated' && fr.data.message.id === viaB.body.message.id)

    for (const victim of [victimB, victimA]) {
      const removedAt = victim.frames.findIndex(fr => fr.type === 'conversation:removed')
      const later = victim.frames.slice(removedAt + 1).filter(fr => fr.conversationId === conv || fr.data?.conversationId === conv)
      expect(later).toEqual([])
      for (const text of [...secrets, 'edited secret after removal']) expect(mentions(victim, text)).toBe(false)
      expect((await victim.request('subscribe', { conversationIds: [conv] })).error.code).toBe('not_found')
    }
  })
})
