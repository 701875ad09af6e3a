import { beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture, inviteUser } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin } from '../helpers/server'

// Group commit (server/domain/messages/send-batch.ts): concurrent sends share one statement and one COMMIT.
let f: ProjectFixture

async function createGroup(title: string) {
  const res = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title, kind: 'group', participantIds: [f.client.user.id, f.client2.user.id] })
  expect(res.status).toBe(201)
  return res.body.conversation.id as string
}

async function eventsOf(conversationId: string) {
  const res = await f.staff.api.get(`/conversations/${conversationId}/events?after=0&limit=1000`)
  expect(res.status).toBe(200)
  return res.body as { events: Array<{ seq: number, type: string, data: any }>, lastSeq: number }
}

const send = (actor: Actor, conversationId: string, clientId: string, content: string) =>
  actor.api.post(`/conversations/${conversationId}/messages`, { clientId, content })

describe('group commit of sends', () => {
  beforeAll(async () => {
    f = await createProjectFixture(baseURL(), await signInAdmin())
  })

  it('100 concurrent sends over 5 conversations: every conversation stays gap-free and every ack matches what is stored', async () => {
    const ids = await Promise.all([1, 2, 3, 4, 5].map(i => createGroup(`Batch ${i}`)))
    const senders = [f.staff, f.client, f.client2]
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      send(senders[i % 3]!, ids[i % 5]!, `batch-${i}`, `batched ${i}`)))
    expect(results.map(r => r.status)).toEqual(Array(100).fill(201))

    for (const id of ids) {
      const mine = results.map(r => r.body.message).filter(m => m.conversationId === id)
      const seqs = mine.map(m => m.seq).sort((a, b) => a - b)
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
      const feed = await eventsOf(id)
      expect(feed.events.map(e => e.seq)).toEqual(seqs)
      expect(feed.events.every(e => e.type === 'message:new')).toBe(true)
      expect(feed.lastSeq).toBe(20)
      // What the ack said is what was stored (the ack came after COMMIT: the history already has it).
      const history = await f.staff.api.get(`/conversations/${id}/messages?limit=100`)
      const stored = new Map(history.body.messages.map((m: any) => [m.id, m]))
      for (const m of mine) expect(stored.get(m.id)).toMatchObject({ seq: m.seq, content: m.content, clientId: m.clientId, createdAt: m.createdAt })
    }
  })

  it('a duplicate racing inside a batch does not take its batch-mates down', async () => {
    const id = await createGroup('Batch with a duplicate')
    const results = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => send(i % 2 ? f.client : f.staff, id, `mate-${i}`, `mate ${i}`)),
      ...Array.from({ length: 5 }, () => send(f.client2, id, 'the-same-one', 'sent five times at once'))
    ])
    const mates = results.slice(0, 30)
    const copies = results.slice(30)
    expect(mates.map(r => r.status)).toEqual(Array(30).fill(201))
    expect(copies.filter(r => r.status === 201)).toHaveLength(1)
    expect(copies.filter(r => r.status === 200 && r.body.duplicate === true)).toHaveLength(4)
    expect(new Set(copies.map(r => r.body.message.id)).size).toBe(1)

    const feed = await eventsOf(id)
    expect(feed.events.map(e => e.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1))
    expect(feed.lastSeq).toBe(31)
    const history = await f.staff.api.get(`/conversations/${id}/messages?limit=100`)
    expect(history.body.messages).toHaveLength(31)
    expect(history.body.messages.filter((m: any) => m.clientId === 'the-same-one')).toHaveLength(1)
  })

  it('a retry of a committed message among new sends gets the original, and the new sends are all committed', async () => {
    const id = await createGroup('Batch with a retry')
    const first = await send(f.client, id, 'sent-before', 'the original')
    expect(first.status).toBe(201)
    const results = await Promise.all([
      send(f.client, id, 'sent-before', 'the original'),
      ...Array.from({ length: 20 }, (_, i) => send(i % 2 ? f.client2 : f.staff, id, `after-${i}`, `after ${i}`))
    ])
    expect(results[0]!.status).toBe(200)
    expect(results[0]!.body).toMatchObject({ duplicate: true, message: { id: first.body.message.id, seq: first.body.message.seq } })
    expect(results.slice(1).map(r => r.status)).toEqual(Array(20).fill(201))
    const feed = await eventsOf(id)
    expect(feed.events.map(e => e.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1))
  })

  it('a retry of a committed message still gets the original once the conversation is locked', async () => {
    const id = await createGroup('Locked after the send')
    const first = await send(f.client, id, 'before-the-lock', 'made it in')
    expect(first.status).toBe(201)
    expect((await f.admin.api.patch(`/admin/conversations/${id}`, { status: 'locked', reason: 'cooling off' })).status).toBe(200)
    const retry = await send(f.client, id, 'before-the-lock', 'made it in')
    expect(retry.status).toBe(200)
    expect(retry.body).toMatchObject({ duplicate: true, message: { id: first.body.message.id } })
    const fresh = await send(f.client, id, 'after-the-lock', 'too late')
    expect([fresh.status, fresh.body.data.code]).toEqual([423, 'conversation_locked'])
  })

  it('a send that mentions a participant keeps its mentions and reply through the batch', async () => {
    const id = await createGroup('Batch with mentions')
    const parent = await send(f.staff, id, 'parent', 'the question')
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      f.client.api.post(`/conversations/${id}/messages`, { clientId: `reply-${i}`, content: `@${f.staff.user.handle} answer ${i}`, replyToId: parent.body.message.id })))
    for (const r of results) {
      expect(r.status).toBe(201)
      expect(r.body.message.mentions).toEqual([f.staff.user.id])
      expect(r.body.message.replyToId).toBe(parent.body.message.id)
      expect(r.body.message.reactions).toEqual([])
      expect(r.body.message.files).toEqual([])
    }
  })
  // The send path remembers a sender's access per instance (SEND_ACCESS_CACHE_MS); the batch statement is where
  // participation holds. Each test first sends once so the access is remembered, then takes it away.
  it('a participant removed after sending gets 404 on the next send, and nothing of it is stored', async () => {
    const id = await createGroup('Removed after a send')
    expect((await send(f.client2, id, 'while-in', 'still a participant')).status).toBe(201)
    const removed = await f.admin.api.del(`/admin/conversations/${id}/participants/${f.client2.user.id}`)
    expect(removed.status).toBe(200)
    const after = await send(f.client2, id, 'after-removal', 'should not land')
    expect([after.status, after.body.data.code]).toEqual([404, 'not_found'])
    const history = await f.staff.api.get(`/conversations/${id}/messages?limit=100`)
    expect(history.body.messages.map((m: any) => m.clientId)).toEqual(['while-in'])
    // The message and the removal: nothing took a seq after them.
    expect((await eventsOf(id)).events.map(e => e.type)).toEqual(['message:new', 'conversation:updated'])
  })

  it('the batch-mates of a send whose remembered access is gone are all committed, gap-free', async () => {
    const id = await createGroup('Stale access in a batch')
    expect((await send(f.client2, id, 'remembered', 'access remembered')).status).toBe(201)
    expect((await f.admin.api.del(`/admin/conversations/${id}/participants/${f.client2.user.id}`)).status).toBe(200)
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => send(i % 2 ? f.client : f.staff, id, `mate-of-stale-${i}`, `mate ${i}`)),
      send(f.client2, id, 'stale-one', 'refused by the statement')
    ])
    expect(results.slice(0, 20).map(r => r.status)).toEqual(Array(20).fill(201))
    expect(results[20]!.status).toBe(404)
    // The first message, the removal and the 20 batch-mates, gap-free.
    const feed = await eventsOf(id)
    expect(feed.events.map(e => e.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1))
    expect(feed.events.filter(e => e.type === 'message:new')).toHaveLength(21)
    const history = await f.staff.api.get(`/conversations/${id}/messages?limit=100`)
    expect(history.body.messages.some((m: any) => m.clientId === 'stale-one')).toBe(false)
  })

  it('a conversation locked after a send refuses the next new send with 423 at once', async () => {
    const id = await createGroup('Locked with access remembered')
    expect((await send(f.client, id, 'before-lock-2', 'remembered')).status).toBe(201)
    expect((await f.admin.api.patch(`/admin/conversations/${id}`, { status: 'locked', reason: 'pause' })).status).toBe(200)
    const refused = await send(f.client, id, 'after-lock-2', 'refused')
    expect([refused.status, refused.body.data.code]).toEqual([423, 'conversation_locked'])
    expect((await eventsOf(id)).events.filter(e => e.type === 'message:new')).toHaveLength(1)
  })

  it('staff made a client after posting an announcement cannot post the next one, and nothing of it is stored', async () => {
    const writer = await inviteUser(f.owner.api, f.project.id, 'staff', 'announcer')
    const created = await writer.api.post(`/projects/${f.project.id}/conversations`, { title: 'News with a demotion', kind: 'announcement' })
    expect(created.status).toBe(201)
    const id = created.body.conversation.id as string
    expect((await send(writer, id, 'as-staff', 'posted while staff')).status).toBe(201)
    // The same member again, now as a client (an upsert of the role): the remembered access says staff.
    expect((await f.owner.api.post(`/projects/${f.project.id}/members`, { email: writer.user.email, role: 'client' })).status).toBe(201)
    const refused = await send(writer, id, 'as-client', 'should not land')
    expect([refused.status, refused.body.data.code]).toEqual([403, 'forbidden'])
    const history = await f.owner.api.get(`/conversations/${id}/messages?limit=100`)
    expect(history.body.messages.map((m: any) => m.clientId)).toEqual(['as-staff'])
    expect((await eventsOf(id)).events.filter(e => e.type === 'message:new')).toHaveLength(1)
  })

  it('a member removed from the project gets 404 on the next send to a conversation they had sent to', async () => {
    const extra = await inviteUser(f.staff.api, f.project.id, 'client', 'leaver')
    const res = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Project removal', kind: 'group', participantIds: [extra.user.id] })
    const id = res.body.conversation.id as string
    expect((await send(extra, id, 'in-project', 'hello')).status).toBe(201)
    expect((await f.owner.api.del(`/projects/${f.project.id}/members/${extra.user.id}`)).status).toBe(200)
    const after = await send(extra, id, 'out-of-project', 'should not land')
    expect(after.status).toBe(404)
    expect((await eventsOf(id)).events.filter(e => e.type === 'message:new')).toHaveLength(1)
  })
})
