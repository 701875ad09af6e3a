import { beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture } from '../helpers/api'
import type { ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin } from '../helpers/server'

let f: ProjectFixture
let conversationId: string

const send = (actor: ProjectFixture['client'], content: string, extra: Record<string, unknown> = {}) =>
  actor.api.post(`/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), content, ...extra })

describe('messages', () => {
  beforeAll(async () => {
    f = await createProjectFixture(baseURL(), await signInAdmin())
    const created = await f.staff.api.post(`/projects/${f.project.id}/conversations`, {
      title: 'Kickoff', kind: 'group', participantIds: [f.client.user.id, f.client2.user.id]
    })
    expect(created.status).toBe(201)
    conversationId = created.body.conversation.id
  })

  it('returns the contract Message shape with a UUIDv7 id', async () => {
    const res = await send(f.client, '  hello team  ')
    expect(res.status).toBe(201)
    const m = res.body.message
    expect(m).toMatchObject({ conversationId, senderId: f.client.user.id, type: 'text', content: 'hello team', replyToId: null, files: [], reactions: [], editedAt: null, deletedAt: null })
    expect(m.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('pages history by seq in both directions, ascending, with hasMore', async () => {
    for (let i = 0; i < 7; i++) await send(f.staff, `page ${i}`)
    const latest = await f.client.api.get(`/conversations/${conversationId}/messages?limit=3`)
    expect(latest.status).toBe(200)
    const seqs = latest.body.messages.map((m: any) => m.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(latest.body.hasMore).toBe(true)
    const older = await f.client.api.get(`/conversations/${conversationId}/messages?before=${seqs[0]}&limit=3`)
    expect(older.body.messages.map((m: any) => m.seq)).toEqual([seqs[0] - 3, seqs[0] - 2, seqs[0] - 1])
    const newer = await f.client.api.get(`/conversations/${conversationId}/messages?after=${seqs[0] - 3}&limit=2`)
    expect(newer.body.messages.map((m: any) => m.seq)).toEqual([seqs[0] - 2, seqs[0] - 1])
    expect(newer.body.hasMore).toBe(true)
    const tail = await f.client.api.get(`/conversations/${conversationId}/messages?after=${seqs[2]}`)
    expect(tail.body).toEqual({ messages: [], hasMore: false })
  })

  it('gives in history exactly the Message the writes returned: reply, mentions, edit, reactions, times', async () => {
    const parent = (await send(f.staff, 'parent')).body.message
    const sent = (await send(f.client, `see this @${f.client2.user.handle}`, { replyToId: parent.id })).body.message
    await f.client2.api.post(`/messages/${sent.id}/reactions`, { emoji: '🎉' })
    await f.staff.api.post(`/messages/${sent.id}/reactions`, { emoji: '🎉' })
    await f.staff.api.post(`/messages/${sent.id}/reactions`, { emoji: '👀' })
    const edited = (await f.client.api.patch(`/messages/${sent.id}`, { content: `see this, @${f.client2.user.handle}` })).body.message
    expect(edited).toMatchObject({ replyToId: parent.id, mentions: [f.client2.user.id], reactions: [{ emoji: '🎉', count: 2 }, { emoji: '👀', count: 1 }] })
    expect(edited.editedAt).not.toBeNull()
    const page = await f.client.api.get(`/conversations/${conversationId}/messages?before=${sent.seq + 1}&limit=2`)
    expect(page.body.messages).toEqual([parent, edited])
  })

  it('keeps replies linked to their parent and refuses a parent from elsewhere', async () => {
    const parent = (await send(f.client, 'question?')).body.message
    const reply = await send(f.staff, 'answer', { replyToId: parent.id })
    expect(reply.body.message.replyToId).toBe(parent.id)
    const bad = await send(f.staff, 'answer', { replyToId: '0190d6b4-0000-7000-8000-000000000000' })
    expect(bad.status).toBe(422)
    expect(bad.body.data.issues[0].path).toBe('replyToId')
  })

  it('edits keep history and mark editedAt; only the sender may edit', async () => {
    const m = (await send(f.client, 'first draft')).body.message
    const edited = await f.client.api.patch(`/messages/${m.id}`, { content: 'second draft' })
    expect(edited.status).toBe(200)
    expect(edited.body.message).toMatchObject({ id: m.id, content: 'second draft', seq: m.seq })
    expect(edited.body.message.editedAt).not.toBeNull()
    expect((await f.client2.api.patch(`/messages/${m.id}`, { content: 'hijack' })).status).toBe(403)
    const report = await f.client2.api.post(`/messages/${m.id}/report`, { reason: 'spam' })
    expect(report.status).toBe(201)
    const reports = await f.admin.api.get('/admin/reports')
    const frozen = reports.body.reports.find((r: any) => r.id === report.body.report.id)
    expect(frozen.evidence.editHistory.map((e: any) => e.previousContent)).toEqual(['first draft'])
  })

  it('soft deletes hide content from participants but not from admins', async () => {
    const m = (await send(f.client, 'oops, wrong chat')).body.message
    const deleted = await f.client.api.del(`/messages/${m.id}`)
    expect(deleted.status).toBe(200)
    expect(deleted.body.message.content).toBeNull()
    expect(deleted.body.message.deletedAt).not.toBeNull()
    const seen = await f.staff.api.get(`/conversations/${conversationId}/messages?after=${m.seq - 1}&limit=1`)
    expect(seen.body.messages[0]).toMatchObject({ id: m.id, content: null })
    const asAdmin = await f.admin.api.get(`/conversations/${conversationId}/messages?after=${m.seq - 1}&limit=1`)
    expect(asAdmin.body.messages[0]).toMatchObject({ id: m.id, content: 'oops, wrong chat' })
    expect((await f.client.api.patch(`/messages/${m.id}`, { content: 'revive' })).status).toBe(409)
  })

  it('aggregates reactions per emoji and removes them idempotently', async () => {
    const m = (await send(f.staff, 'ship it?')).body.message
    await f.client.api.post(`/messages/${m.id}/reactions`, { emoji: '👍' })
    await f.client2.api.post(`/messages/${m.id}/reactions`, { emoji: '👍' })
    const again = await f.client2.api.post(`/messages/${m.id}/reactions`, { emoji: '👍' })
    expect(again.body.message.reactions).toEqual([{ emoji: '👍', count: 2, userIds: [f.client.user.id, f.client2.user.id] }])
    const removed = await f.client.api.del(`/messages/${m.id}/reactions/${encodeURIComponent('👍')}`)
    expect(removed.body.message.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [f.client2.user.id] }])
    const feed = await f.staff.api.get(`/conversations/${conversationId}/events?after=${m.seq}`)
    // Two adds and one remove are events; the repeated add is a no-op and is not.
    expect(feed.body.events.filter((e: any) => e.type === 'message:updated')).toHaveLength(3)
  })

  it('lists history with each message\'s reactions grouped as the reaction replies give them, in one page statement', async () => {
    const plain = (await send(f.staff, 'history without reactions')).body.message
    const busy = (await send(f.client, 'history with reactions')).body.message
    // Emoji in the order each first appeared, users in the order they reacted.
    await f.client2.api.post(`/messages/${busy.id}/reactions`, { emoji: '🎉' })
    await f.staff.api.post(`/messages/${busy.id}/reactions`, { emoji: '👍' })
    await f.client.api.post(`/messages/${busy.id}/reactions`, { emoji: '🎉' })
    const last = await f.client2.api.post(`/messages/${busy.id}/reactions`, { emoji: '👍' })
    expect(last.body.message.reactions).toEqual([
      { emoji: '🎉', count: 2, userIds: [f.client2.user.id, f.client.user.id] },
      { emoji: '👍', count: 2, userIds: [f.staff.user.id, f.client2.user.id] }
    ])
    const gone = (await send(f.client, 'reacted, then deleted')).body.message
    await f.staff.api.post(`/messages/${gone.id}/reactions`, { emoji: '👍' })
    expect((await f.client.api.del(`/messages/${gone.id}`)).status).toBe(200)

    const page = await f.client2.api.get(`/conversations/${conversationId}/messages?limit=3`)
    expect(page.status).toBe(200)
    const byId = new Map(page.body.messages.map((m: any) => [m.id, m]))
    expect((byId.get(plain.id) as any).reactions).toEqual([])
    expect((byId.get(busy.id) as any).reactions).toEqual(last.body.message.reactions)
    expect((byId.get(busy.id) as any).files).toEqual([])
    // A deleted message shows nothing of what it had, reactions included.
    expect(byId.get(gone.id)).toMatchObject({ content: null, reactions: [], files: [] })
    // Older pages bring theirs too.
    const before = await f.client2.api.get(`/conversations/${conversationId}/messages?before=${gone.seq}&limit=2`)
    expect(before.body.messages.map((m: any) => m.id)).toEqual([plain.id, busy.id])
    expect(before.body.messages[1].reactions).toEqual(last.body.message.reactions)
  })

  it('takes only emoji of the Unicode set as reactions, in one spelling', async () => {
    const m = (await send(f.staff, 'react properly')).body.message
    for (const emoji of ['lol', ':thumbsup:', '👍👍', 'a\u0301', '\u202E👍']) {
      const res = await f.client.api.post(`/messages/${m.id}/reactions`, { emoji })
      expect(res.status, emoji).toBe(422)
      expect(res.body.data.code).toBe('validation_failed')
    }
    // The picker's spelling with U+FE0F and the bare one are one reaction; a text-style heart gets its U+FE0F.
    await f.client.api.post(`/messages/${m.id}/reactions`, { emoji: '👍\uFE0F' })
    await f.client2.api.post(`/messages/${m.id}/reactions`, { emoji: '👍' })
    const hearts = await f.client.api.post(`/messages/${m.id}/reactions`, { emoji: '\u2764' })
    expect(hearts.body.message.reactions).toEqual([
      { emoji: '👍', count: 2, userIds: [f.client.user.id, f.client2.user.id] },
      { emoji: '\u2764\uFE0F', count: 1, userIds: [f.client.user.id] }
    ])
    const removed = await f.client.api.del(`/messages/${m.id}/reactions/${encodeURIComponent('👍\uFE0F')}`)
    expect(removed.body.message.reactions[0]).toEqual({ emoji: '👍', count: 1, userIds: [f.client2.user.id] })
    // In a path, something that is no emoji names no reaction: 404 like any unknown id.
    expect((await f.client.api.del(`/messages/${m.id}/reactions/${encodeURIComponent('nope')}`)).status).toBe(404)
  })

  it('caps the distinct emoji on a message and the ones each user puts there', async () => {
    const m = (await send(f.staff, 'so many feelings')).body.message
    const react = (actor: ProjectFixture['client'], emoji: string) => actor.api.post(`/messages/${m.id}/reactions`, { emoji })
    const set = ['😀', '😂', '😍', '😎', '🤔', '😴', '😡', '😭', '🥳', '🤯', '👍', '👎', '👏', '🙏', '💪', '🔥', '🎉', '🚀', '💯', '✅', '❌']
    // 10 per user (REACTIONS_PER_USER_PER_MESSAGE), then 409; the refusal writes nothing.
    for (const emoji of set.slice(0, 10)) expect((await react(f.client, emoji)).status).toBe(200)
    const eleventh = await react(f.client, set[10]!)
    expect(eleventh.status).toBe(409)
    expect(eleventh.body.data.code).toBe('conflict')
    // Adding one you already have, or removing one, is always possible.
    expect((await react(f.client, set[0]!)).status).toBe(200)
    // 20 distinct per message (REACTION_EMOJI_PER_MESSAGE): the 21st new emoji is refused, joining one is not.
    for (const emoji of set.slice(10, 20)) expect((await react(f.client2, emoji)).status).toBe(200)
    expect((await react(f.staff, set[20]!)).status).toBe(409)
    const joined = await react(f.staff, set[3]!)
    expect(joined.status).toBe(200)
    expect(joined.body.message.reactions).toHaveLength(20)
    await f.client.api.del(`/messages/${m.id}/reactions/${encodeURIComponent(set[1]!)}`)
    expect((await react(f.staff, set[20]!)).status).toBe(200)
    const feed = await f.staff.api.get(`/conversations/${conversationId}/events?after=${m.seq}`)
    // 10 + 10 adds, the join, the removal and the last add: refusals and the repeated add wrote nothing.
    expect(feed.body.events.filter((e: any) => e.type === 'message:updated')).toHaveLength(23)
  })

  it('lets every participant react in an announcement, where only staff may post', async () => {
    const announcement = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'News', kind: 'announcement' })).body.conversation.id
    const post = await f.staff.api.post(`/conversations/${announcement}/messages`, { clientId: crypto.randomUUID(), content: 'we shipped' })
    expect((await f.client.api.post(`/conversations/${announcement}/messages`, { clientId: crypto.randomUUID(), content: 'me too' })).status).toBe(403)
    const reacted = await f.client.api.post(`/messages/${post.body.message.id}/reactions`, { emoji: '🎉' })
    expect(reacted.status).toBe(200)
    expect(reacted.body.message.reactions).toEqual([{ emoji: '🎉', count: 1, userIds: [f.client.user.id] }])
  })

  it('parses @handle and @all into mentions and counts unread and mentions per reader', async () => {
    const before = await f.client2.api.get(`/projects/${f.project.id}/conversations`)
    const base = before.body.conversations.find((c: any) => c.id === conversationId)
    await f.client2.api.post(`/conversations/${conversationId}/read`, { seq: base.lastSeq })
    const m1 = (await send(f.staff, `hey @${f.client2.user.handle}, see this`)).body.message
    expect(m1.mentions).toEqual([f.client2.user.id])
    const m2 = (await send(f.staff, 'email me at ops@example.com, @all please read')).body.message
    expect(new Set(m2.mentions)).toEqual(new Set([f.client.user.id, f.client2.user.id]))
    await send(f.client2, 'my own message does not count')
    const list = await f.client2.api.get(`/projects/${f.project.id}/conversations`)
    const c = list.body.conversations.find((x: any) => x.id === conversationId)
    expect(c).toMatchObject({ unreadCount: 2, mentionCount: 2 })
    const read = await f.client2.api.post(`/conversations/${conversationId}/read`, { seq: m1.seq })
    expect(read.body.lastReadSeq).toBe(m1.seq)
    const after = (await f.client2.api.get(`/conversations/${conversationId}`)).body.conversation
    expect(after).toMatchObject({ unreadCount: 1, mentionCount: 1 })
  })

  it('lists each participant with the handle that @mentions match (extension), so clients can complete them', async () => {
    const { members } = (await f.client.api.get(`/conversations/${conversationId}`)).body
    const expected = [f.staff, f.client, f.client2].map(a => ({ userId: a.user.id, displayName: a.user.displayName, handle: a.user.handle }))
    expect(members).toEqual(expect.arrayContaining(expected.map(e => expect.objectContaining(e))))
    expect(members).toHaveLength(3)
    for (const m of members) expect(m.handle).toMatch(/^[a-z0-9_.-]{2,32}$/)
    const handle = members.find((m: any) => m.userId === f.client2.user.id).handle
    expect((await send(f.client, `over to you @${handle} `)).body.message.mentions).toEqual([f.client2.user.id])
  })

  it('moves read pointers forward only and never past the last seq', async () => {
    const conv = (await f.client.api.get(`/conversations/${conversationId}`)).body.conversation
    const high = await f.client.api.post(`/conversations/${conversationId}/read`, { seq: conv.lastSeq + 100 })
    expect(high.body.lastReadSeq).toBe(conv.lastSeq)
    const low = await f.client.api.post(`/conversations/${conversationId}/read`, { seq: 1 })
    expect(low.body.lastReadSeq).toBe(conv.lastSeq)
    const members = (await f.staff.api.get(`/conversations/${conversationId}`)).body.members
    expect(members.find((m: any) => m.userId === f.client.user.id).lastReadSeq).toBe(conv.lastSeq)
  })

  it('freezes report evidence: later edits and deletes do not change it', async () => {
    const context = (await send(f.client2, 'context before')).body.message
    const m = (await send(f.client, 'reportable original')).body.message
    const report = await f.staff.api.post(`/messages/${m.id}/report`, { reason: 'abuse', description: 'rude' })
    expect(report.status).toBe(201)
    expect(report.body.report).not.toHaveProperty('evidence')
    await f.client.api.patch(`/messages/${m.id}`, { content: 'sanitized later' })
    await f.client2.api.del(`/messages/${context.id}`)
    const stored = (await f.admin.api.get('/admin/reports?status=open')).body.reports.find((r: any) => r.id === report.body.report.id)
    expect(stored.evidence.message.content).toBe('reportable original')
    expect(stored.evidence.contextBefore.at(-1)).toMatchObject({ id: context.id, content: 'context before', deletedAt: null })
    expect(stored.evidence.contextBefore.length).toBeLessThanOrEqual(20)
    expect((await f.staff.api.post(`/messages/${m.id}/report`, { reason: 'abuse' })).status).toBe(409)
  })

  it('serves the events feed in seq order with current message state', async () => {
    const m = (await send(f.client, 'feed me')).body.message
    await f.client.api.patch(`/messages/${m.id}`, { content: 'fed' })
    await f.client.api.del(`/messages/${m.id}`)
    const feed = await f.staff.api.get(`/conversations/${conversationId}/events?after=${m.seq - 1}`)
    expect(feed.body.reset).toBe(false)
    expect(feed.body.events.map((e: any) => [e.seq, e.type])).toEqual([
      [m.seq, 'message:new'], [m.seq + 1, 'message:updated'], [m.seq + 2, 'message:deleted']
    ])
    // Deletion events carry no content, and replays never resurrect deleted text.
    expect(feed.body.events[2].data).toEqual({ messageId: m.id })
    expect(feed.body.events[0].data.message.content).toBeNull()
    expect(feed.body.lastSeq).toBe(m.seq + 2)
  })
})
