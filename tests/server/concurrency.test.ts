import { beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin } from '../helpers/server'

let f: ProjectFixture
let conversationId: string

async function allEvents(after = 0) {
  const res = await f.staff.api.get(`/conversations/${conversationId}/events?after=${after}&limit=1000`)
  expect(res.status).toBe(200)
  return res.body as { events: Array<{ seq: number, type: string, data: any }>, lastSeq: number, reset: boolean }
}

describe('the write path under concurrency', () => {
  beforeAll(async () => {
    f = await createProjectFixture(baseURL(), await signInAdmin())
    const created = await f.staff.api.post(`/projects/${f.project.id}/conversations`, {
      title: 'Race track', kind: 'group', participantIds: [f.client.user.id, f.client2.user.id]
    })
    conversationId = created.body.conversation.id
  })

  it('50 parallel sends into one conversation take seqs 1..50 exactly, with 50 events', async () => {
    const senders = [f.staff, f.client, f.client2]
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      senders[i % 3]!.api.post(`/conversations/${conversationId}/messages`, { clientId: `par-${i}`, content: `parallel ${i}` })))
    expect(results.map(r => r.status)).toEqual(Array(50).fill(201))
    const seqs = results.map(r => r.body.message.seq).sort((a, b) => a - b)
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    const feed = await allEvents()
    expect(feed.events.map(e => e.seq)).toEqual(seqs)
    expect(feed.events.every(e => e.type === 'message:new')).toBe(true)
    expect(feed.lastSeq).toBe(50)
  })

  it('20 parallel retries of one clientId yield one message and one event', async () => {
    const before = (await allEvents()).lastSeq
    const results = await Promise.all(Array.from({ length: 20 }, () =>
      f.client.api.post(`/conversations/${conversationId}/messages`, { clientId: 'retry-me', content: 'only once' })))
    const created = results.filter(r => r.status === 201)
    const duplicates = results.filter(r => r.status === 200)
    expect(created).toHaveLength(1)
    expect(duplicates).toHaveLength(19)
    expect(duplicates.every(d => d.body.duplicate === true && d.body.message.id === created[0]!.body.message.id)).toBe(true)
    const feed = await allEvents(before)
    expect(feed.events).toHaveLength(1)
    expect(feed.events[0]!.seq).toBe(before + 1)
    const history = await f.staff.api.get(`/conversations/${conversationId}/messages?after=${before}`)
    expect(history.body.messages.filter((m: any) => m.clientId === 'retry-me')).toHaveLength(1)
  })

  it('edits, deletes and reactions interleaved with sends keep the event feed gap-free', async () => {
    const before = (await allEvents()).lastSeq
    const seed = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      f.client.api.post(`/conversations/${conversationId}/messages`, { clientId: `mix-seed-${i}`, content: `mixed ${i}` })))
    const ids = seed.map(r => r.body.message.id as string)
    const ops = [
      ...ids.slice(0, 4).map((id, i) => f.client.api.patch(`/messages/${id}`, { content: `edited ${i}` })),
      ...ids.slice(4, 7).map(id => f.client.api.del(`/messages/${id}`)),
      ...ids.slice(7).map(id => f.staff.api.post(`/messages/${id}/reactions`, { emoji: '👍' })),
      ...Array.from({ length: 10 }, (_, i) => f.staff.api.post(`/conversations/${conversationId}/messages`, { clientId: `mix-${i}`, content: `more ${i}` }))
    ]
    const results = await Promise.all(ops)
    expect(results.every(r => r.status === 200 || r.status === 201)).toBe(true)
    const feed = await allEvents(before)
    const expected = 10 + 4 + 3 + 3 + 10
    expect(feed.events.map(e => e.seq)).toEqual(Array.from({ length: expected }, (_, i) => before + 1 + i))
    expect(feed.lastSeq).toBe(before + expected)
    expect(feed.events.filter(e => e.type === 'message:deleted')).toHaveLength(3)
    expect(feed.events.filter(e => e.type === 'message:updated')).toHaveLength(7)
  })
})
