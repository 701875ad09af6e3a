import { beforeAll, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import WebSocket from 'ws'
import { Api, createProjectFixture, inviteUser, uniq } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin } from '../helpers/server'
import { upgradeStatus, wsConnect, wsUrl } from '../helpers/ws'
import type { Frame } from '../helpers/ws'

let f: ProjectFixture
let other: ProjectFixture
let conversationId: string
let staffOnlyId: string

const isEvent = (type: string, conv = conversationId) => (fr: Frame) => fr.type === type && (fr.conversationId === conv || fr.data?.conversationId === conv)

describe('the WebSocket endpoint', () => {
  beforeAll(async () => {
    const admin = await signInAdmin()
    ;[f, other] = await Promise.all([createProjectFixture(baseURL(), admin), createProjectFixture(baseURL(), admin)])
    conversationId = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Live', kind: 'group', participantIds: [f.client.user.id, f.client2.user.id] })).body.conversation.id
    staffOnlyId = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Staff', kind: 'group', participantIds: [f.owner.user.id] })).body.conversation.id
  })

  describe('upgrade', () => {
    it('refuses a missing, bad or expired token with HTTP 401 and no socket', async () => {
      expect(await upgradeStatus(wsUrl(baseURL()))).toBe(401)
      expect(await upgradeStatus(wsUrl(baseURL(), 'not-a-token'))).toBe(401)
      const [h, p] = f.client.token.split('.')
      expect(await upgradeStatus(wsUrl(baseURL(), `${h}.${p}.AAAA`))).toBe(401)
      const expired = await new SignJWT({ role: 'authenticated' }).setProtectedHeader({ alg: 'HS256' }).setSubject(f.client.user.id)
        .setExpirationTime('-1m').sign(new TextEncoder().encode('some-other-secret-that-is-long-enough'))
      expect(await upgradeStatus(wsUrl(baseURL(), expired))).toBe(401)
    })

    it('accepts the session cookie only with an exactly matching Origin', async () => {
      const login = await new Api(baseURL()).post('/auth/login', { email: f.client.user.email, password: f.client.password })
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!
      expect(await upgradeStatus(wsUrl(baseURL()), { cookie, origin: baseURL() })).toBe(101)
      expect(await upgradeStatus(wsUrl(baseURL()), { cookie, origin: 'https://evil.example' })).toBe(403)
      expect(await upgradeStatus(wsUrl(baseURL()), { cookie, origin: 'null' })).toBe(403)
      expect(await upgradeStatus(wsUrl(baseURL()), { cookie })).toBe(403)
      expect(await upgradeStatus(wsUrl(baseURL()), { cookie: 'sb_session=forged.value', origin: baseURL() })).toBe(401)
    })
  })

  it('sends ready and delivers live events of every conversation the user takes part in', async () => {
    const s = await wsConnect(baseURL(), { token: f.client.token })
    expect(s.ready.data).toMatchObject({ user: { id: f.client.user.id }, heartbeatMs: expect.any(Number), connectionId: expect.any(String) })
    // The ready frame names the user without their email (issue 14): id, handle, name, avatar and role only.
    expect(Object.keys(s.ready.data.user).sort()).toEqual(['avatarUrl', 'displayName', 'handle', 'id', 'role'])
    const sent = await f.staff.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('rest'), content: 'over REST, live on WS' })
    const event = await s.next(isEvent('message:new'))
    expect(event).toMatchObject({ seq: sent.body.message.seq, data: { message: { id: sent.body.message.id, content: 'over REST, live on WS' } } })
  })

  it('answers every op with exactly one reply and emits the same events as REST', async () => {
    const a = await wsConnect(baseURL(), { token: f.client.token })
    const b = await wsConnect(baseURL(), { token: f.staff.token })
    const clientId = uniq('ws')
    const sent = await a.request('message:send', { conversationId, clientId, content: 'hello over ws' })
    expect(sent).toMatchObject({ ok: true, data: { message: { clientId, content: 'hello over ws' } } })
    const message = sent.data.message
    expect((await b.next(isEvent('message:new'))).data.message.id).toBe(message.id)
    const again = await a.request('message:send', { conversationId, clientId, content: 'hello over ws' })
    expect(again).toMatchObject({ ok: true, data: { duplicate: true, message: { id: message.id } } })
    expect((await a.request('message:edit', { messageId: message.id, content: 'edited over ws' })).data.message.content).toBe('edited over ws')
    expect((await b.next(isEvent('message:updated'))).seq).toBe(message.seq + 1)
    expect((await b.request('reaction:add', { messageId: message.id, emoji: '🎉' })).data.message.reactions).toEqual([{ emoji: '🎉', count: 1, userIds: [f.staff.user.id] }])
    expect((await b.request('reaction:remove', { messageId: message.id, emoji: '🎉' })).data.message.reactions).toEqual([])
    const deleted = await a.request('message:delete', { messageId: message.id })
    expect(deleted.data.message.content).toBeNull()
    const deletion = await b.next(isEvent('message:deleted'))
    expect(deletion.data).toEqual({ messageId: message.id })
    const read = await b.request('read', { conversationId, seq: deletion.seq })
    expect(read.data.lastReadSeq).toBe(deletion.seq)
    expect((await a.next(isEvent('read'))).data).toEqual({ userId: f.staff.user.id, seq: deletion.seq })
    const ping = await a.request('ping')
    expect(ping.data.heads[conversationId]).toBe(deletion.seq)
    expect(typeof ping.data.serverTime).toBe('string')
    const replies = a.frames.filter(fr => fr.type === 'reply')
    expect(new Set(replies.map(r => r.id)).size).toBe(replies.length)
  })

  it('answers foreign conversations and messages with not_found', async () => {
    const s = await wsConnect(baseURL(), { token: f.client.token })
    const foreign = (await other.staff.api.post(`/projects/${other.project.id}/conversations`, { title: 'B', kind: 'group', participantIds: [] })).body.conversation.id
    for (const id of [foreign, staffOnlyId]) {
      expect((await s.request('subscribe', { conversationIds: [id] })).error.code).toBe('not_found')
      expect((await s.request('message:send', { conversationId: id, clientId: uniq('x'), content: 'nope' })).error.code).toBe('not_found')
      expect((await s.request('typing', { conversationId: id, typing: true })).error.code).toBe('not_found')
    }
    const sync = await s.request('sync', { cursors: { [foreign]: 0 } })
    expect(sync.data).toEqual({ conversations: {}, notFound: [foreign] })
  })

  it('forwards typing at most once per 2 s per user and conversation, never to the typist', async () => {
    const typist = await wsConnect(baseURL(), { token: f.client2.token })
    const watcher = await wsConnect(baseURL(), { token: f.staff.token })
    expect((await typist.request('typing', { conversationId, typing: true })).data.forwarded).toBe(true)
    expect((await typist.request('typing', { conversationId, typing: true })).data.forwarded).toBe(false)
    expect((await watcher.next(isEvent('typing'))).data).toEqual({ userId: f.client2.user.id, typing: true })
    await typist.request('typing', { conversationId, typing: false })
    expect((await watcher.next(isEvent('typing'))).data).toEqual({ userId: f.client2.user.id, typing: false })
    expect(typist.frames.some(fr => fr.type === 'typing')).toBe(false)
  })

  it('counts stops against the typing budget and holds a stop inside the window instead of dropping it', async () => {
    const created = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: uniq('Typing budget'), kind: 'group', participantIds: [f.client.user.id] })
    const id = created.body.conversation.id
    const typist = await wsConnect(baseURL(), { token: f.client.token })
    const watcher = await wsConnect(baseURL(), { token: f.staff.token })
    expect((await typist.request('typing', { conversationId: id, typing: true })).data.forwarded).toBe(true)
    const stops = await Promise.all(Array.from({ length: 10 }, () => typist.request('typing', { conversationId: id, typing: false })))
    expect(stops.every(r => r.ok && r.data.forwarded === false && r.data.held === true)).toBe(true)
    // The held stop arrives once the window is over: the indicator does not stick, and ten stops are one event.
    await watcher.next(fr => fr.type === 'typing' && fr.conversationId === id && fr.data.typing === false)
    const seen = watcher.frames.filter(fr => fr.type === 'typing' && fr.conversationId === id).map(fr => fr.data.typing)
    expect(seen).toEqual([true, false])
  })

  it('refuses typing where the user may not post', async () => {
    const created = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: uniq('News'), kind: 'announcement', participantIds: [f.client.user.id] })
    const typist = await wsConnect(baseURL(), { token: f.client.token })
    const reply = await typist.request('typing', { conversationId: created.body.conversation.id, typing: true })
    expect([reply.ok, reply.error.code]).toEqual([false, 'forbidden'])
  })

  it('announces presence across tabs to people who share a project', async () => {
    const watcher = await wsConnect(baseURL(), { token: f.owner.token })
    const stranger = await wsConnect(baseURL(), { token: other.owner.token })
    const tab1 = await wsConnect(baseURL(), { token: f.client2.token })
    await watcher.next(fr => fr.type === 'presence' && fr.data.userId === f.client2.user.id && fr.data.status === 'online')
    const tab2 = await wsConnect(baseURL(), { token: f.client2.token })
    await tab2.request('presence', { status: 'away' })
    // One tab away, one online: the user is online.
    tab1.close()
    await tab1.closed
    expect((await watcher.next(fr => fr.type === 'presence' && fr.data.userId === f.client2.user.id && fr.data.status === 'away')).data.lastSeenAt).toBeTruthy()
    tab2.close()
    await watcher.next(fr => fr.type === 'presence' && fr.data.userId === f.client2.user.id && fr.data.status === 'offline')
    const members = await f.owner.api.get(`/projects/${f.project.id}/members`)
    expect(members.body.members.find((m: any) => m.userId === f.client2.user.id).presence).toBe('offline')
    expect(stranger.frames.some(fr => fr.type === 'presence' && fr.data.userId === f.client2.user.id)).toBe(false)
  })

  it('shows a client the presence of the project\'s owners and staff, never that of the other clients', async () => {
    const g = await createProjectFixture(baseURL(), await signInAdmin())
    const client = await wsConnect(baseURL(), { token: g.client.token })
    const staff = await wsConnect(baseURL(), { token: g.staff.token })
    const isPresenceOf = (userId: string) => (fr: Frame) => fr.type === 'presence' && fr.data.userId === userId && fr.data.status === 'online'
    await wsConnect(baseURL(), { token: g.client2.token })
    await staff.next(isPresenceOf(g.client2.user.id))
    // The owner comes online after client2: once the client hears of the owner, client2's news would have come first.
    await wsConnect(baseURL(), { token: g.owner.token })
    await client.next(isPresenceOf(g.owner.user.id))
    expect(client.frames.some(fr => fr.type === 'presence' && fr.data.userId === g.client2.user.id)).toBe(false)
    expect(client.frames.some(isPresenceOf(g.staff.user.id))).toBe(true)
  })

  it('coalesces presence toggles per user: 100 frames are the first change and the last state', async () => {
    const watcher = await wsConnect(baseURL(), { token: f.owner.token })
    const toggler = await wsConnect(baseURL(), { token: f.staff.token })
    const isStaffPresence = (fr: Frame) => fr.type === 'presence' && fr.data.userId === f.staff.user.id
    await watcher.next(fr => isStaffPresence(fr) && fr.data.status === 'online')
    const from = watcher.frames.length
    // away, online, away, … online: 100 changes, ending where it started.
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => toggler.request('presence', { status: i % 2 ? 'online' : 'away' })))
    expect(replies.every(r => r.ok)).toBe(true)
    await toggler.request('presence', { status: 'away' })
    // The window closes on the last state: away. What the watcher saw in between is at most the first change.
    await watcher.next(fr => isStaffPresence(fr) && fr.data.status === 'away')
    const seen = watcher.frames.slice(from).filter(isStaffPresence).map(fr => fr.data.status)
    expect(seen.length).toBeLessThanOrEqual(2)
    expect(seen.at(-1)).toBe('away')
  })

  it('keeps the socket open after malformed frames and answers them with validation_failed', async () => {
    const s = await wsConnect(baseURL(), { token: f.client.token })
    s.send('{not json')
    expect((await s.next(fr => fr.type === 'error')).error.code).toBe('validation_failed')
    s.send({ type: 'warp', data: {} })
    expect((await s.next(fr => fr.type === 'error')).error.code).toBe('validation_failed')
    const bad = await s.request('message:send', { conversationId, clientId: uniq('x'), content: 'x'.repeat(5001) })
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } })
    expect((await s.request('ping')).ok).toBe(true)
  })

  it('closes with 1009 on a frame over 64 KiB and with 1003 on a binary frame', async () => {
    const big = await wsConnect(baseURL(), { token: f.client.token })
    big.send(JSON.stringify({ type: 'ping', id: 'x', data: {}, pad: 'x'.repeat(70 * 1024) }))
    expect((await big.closed).code).toBe(1009)
    const binary = await wsConnect(baseURL(), { token: f.client.token })
    binary.ws.send(Buffer.from([1, 2, 3]), { binary: true })
    expect((await binary.closed).code).toBe(1003)
  })

  it('allows 8 sockets per user and closes the oldest with 4008', async () => {
    const sockets = []
    for (let i = 0; i < 8; i++) sockets.push(await wsConnect(baseURL(), { token: f.client2.token }))
    await wsConnect(baseURL(), { token: f.client2.token })
    expect((await sockets[0]!.closed).code).toBe(4008)
    expect(sockets[1]!.ws.readyState).toBe(WebSocket.OPEN)
  })

  it('closes sockets of a revoked session with 4001', async () => {
    const login = await new Api(baseURL()).post('/auth/login', { email: f.client.user.email, password: f.client.password })
    const s = await wsConnect(baseURL(), { token: login.body.token })
    await new Api(baseURL(), login.body.token).post('/auth/logout')
    expect((await s.closed).code).toBe(4001)
  })

  it('replays missed events with sync, in seq order, then replies with the heads', async () => {
    const start = (await f.staff.api.get(`/conversations/${conversationId}`)).body.conversation.lastSeq
    for (let i = 0; i < 5; i++) await f.staff.api.post(`/conversations/${conversationId}/messages`, { clientId: uniq('miss'), content: `missed ${i}` })
    const s = await wsConnect(baseURL(), { token: f.client.token })
    const reply = await s.request('sync', { cursors: { [conversationId]: start } })
    expect(reply.data.conversations[conversationId]).toEqual({ lastSeq: start + 5, reset: false })
    const replayed = s.frames.filter(isEvent('message:new')).map(fr => fr.seq)
    expect(replayed).toEqual([start + 1, start + 2, start + 3, start + 4, start + 5])
  })

  it('stops delivering a conversation to a participant the moment they are removed', async () => {
    const leaving = await inviteUser(f.owner.api, f.project.id, 'client', 'leaving')
    const conv = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Removal', kind: 'group', participantIds: [leaving.user.id] })).body.conversation.id
    const victim = await wsConnect(baseURL(), { token: leaving.token })
    await victim.request('subscribe', { conversationIds: [conv] })
    await f.owner.api.del(`/projects/${f.project.id}/members/${leaving.user.id}`)
    expect((await victim.next(fr => fr.type === 'conversation:removed')).data).toEqual({ conversationId: conv })
    const after = await f.staff.api.post(`/conversations/${conv}/messages`, { clientId: uniq('after'), content: 'secret after removal' })
    const watcher = await wsConnect(baseURL(), { token: f.staff.token })
    await watcher.request('sync', { cursors: { [conv]: after.body.message.seq - 1 } })
    expect(victim.frames.some(fr => JSON.stringify(fr).includes('secret after removal'))).toBe(false)
    expect((await victim.request('subscribe', { conversationIds: [conv] })).error.code).toBe('not_found')
  })

  it('delivers 5 concurrent senders × 100 messages to every receiver in seq order, 1..500', async () => {
    const conv = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Firehose', kind: 'group', participantIds: [f.client.user.id, f.client2.user.id, f.owner.user.id] })).body.conversation.id
    const receivers = await Promise.all([f.client, f.owner].map(a => wsConnect(baseURL(), { token: a.token })))
    for (const r of receivers) await r.request('subscribe', { conversationIds: [conv] })
    const senders = await Promise.all([f.staff, f.client, f.client2, f.owner, f.staff].map(a => wsConnect(baseURL(), { token: a.token })))
    await Promise.all(senders.map(async (s, i) => {
      for (let n = 0; n < 100; n++) {
        const reply = await s.request('message:send', { conversationId: conv, clientId: `fire-${i}-${n}`, content: `sender ${i} message ${n}` })
        expect(reply.ok).toBe(true)
      }
    }))
    for (const r of receivers) {
      await r.next(fr => fr.type === 'message:new' && fr.conversationId === conv && fr.seq === 500, 30_000)
      const seqs = r.frames.filter(fr => fr.type === 'message:new' && fr.conversationId === conv).map(fr => fr.seq)
      expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => i + 1))
    }
  })
})

describe('live conversation membership', () => {
  it('subscribes a participant\'s open sockets to a conversation created with them', async () => {
    const s = await wsConnect(baseURL(), { token: f.client2.token })
    const created = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Fresh', kind: 'group', participantIds: [f.client2.user.id] })
    const conv = created.body.conversation.id
    const announced = await s.next(fr => fr.type === 'conversation:updated' && fr.data.conversation?.id === conv)
    expect(announced.data.conversation.title).toBe('Fresh')
    const sent = await f.staff.api.post(`/conversations/${conv}/messages`, { clientId: uniq('fresh'), content: 'first in fresh' })
    expect((await s.next(isEvent('message:new', conv))).data.message.id).toBe(sent.body.message.id)
  })
})

describe('read receipts', () => {
  it('broadcasts a read pointer set over REST to the conversation\'s sockets', async () => {
    const watcher = await wsConnect(baseURL(), { token: f.staff.token })
    const lastSeq = (await f.client.api.get(`/conversations/${conversationId}`)).body.conversation.lastSeq
    await f.client.api.post(`/conversations/${conversationId}/read`, { seq: lastSeq })
    const receipt = await watcher.next(fr => fr.type === 'read' && fr.conversationId === conversationId && fr.data.userId === f.client.user.id)
    expect(receipt.data.seq).toBe(lastSeq)
  })

  it('broadcasts a read pointer only when it moves: 20 identical read frames are one receipt', async () => {
    const first = (await f.staff.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content: 'read me' })).body.message.seq
    const second = (await f.staff.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content: 'and me' })).body.message.seq
    const watcher = await wsConnect(baseURL(), { token: f.staff.token })
    const reader = await wsConnect(baseURL(), { token: f.client.token })
    const replies = await Promise.all(Array.from({ length: 20 }, () => reader.request('read', { conversationId, seq: first })))
    expect(replies.every(r => r.ok && r.data.lastReadSeq === first)).toBe(true)
    // A mark that moves is broadcast; once it arrives, everything sent before it has arrived too.
    await reader.request('read', { conversationId, seq: second })
    await watcher.next(fr => fr.type === 'read' && fr.data.userId === f.client.user.id && fr.data.seq === second)
    const receipts = watcher.frames.filter(fr => fr.type === 'read' && fr.conversationId === conversationId && fr.data.userId === f.client.user.id)
    // [first, second], or only [second] when a receipt of the test before still held the window open.
    expect(receipts.map(r => r.data.seq).filter(seq => seq === first).length).toBeLessThanOrEqual(1)
    expect(receipts.at(-1)!.data.seq).toBe(second)
    // Going back is not a move either: the reply keeps the mark where it is, and nothing is broadcast.
    expect((await reader.request('read', { conversationId, seq: first })).data.lastReadSeq).toBe(second)
  })

  it('coalesces receipts that move message by message: 30 marks are a few receipts, the furthest one last', async () => {
    const room = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Receipts', kind: 'group', participantIds: [f.client.user.id] })).body.conversation.id
    const seqs: number[] = []
    for (let i = 0; i < 30; i++) seqs.push((await f.staff.api.post(`/conversations/${room}/messages`, { clientId: crypto.randomUUID(), content: `line ${i}` })).body.message.seq)
    const watcher = await wsConnect(baseURL(), { token: f.staff.token })
    const reader = await wsConnect(baseURL(), { token: f.client.token })
    for (const seq of seqs) expect((await reader.request('read', { conversationId: room, seq })).data.lastReadSeq).toBe(seq)
    const isReceipt = (fr: Frame) => fr.type === 'read' && fr.conversationId === room && fr.data.userId === f.client.user.id
    // The furthest mark always arrives, when the window it fell in closes (READ_COALESCE_MS).
    await watcher.next(fr => isReceipt(fr) && fr.data.seq === seqs.at(-1))
    const seen = watcher.frames.filter(isReceipt).map(fr => fr.data.seq)
    expect(seen.length).toBeLessThanOrEqual(5)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
    // Every move was stored, whatever was broadcast.
    const members = (await f.staff.api.get(`/conversations/${room}`)).body.members
    expect(members.find((m: any) => m.userId === f.client.user.id).lastReadSeq).toBe(seqs.at(-1))
  })
})
