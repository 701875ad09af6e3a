import { uuidv7 } from 'uuidv7'
import { describe, expect, it } from 'vitest'
import { createProjectFixture, uniq } from '../helpers/api'
import { appPostgres, baseURL, signInAdmin } from '../helpers/server'
import { wsConnect } from '../helpers/ws'

// Postgres run only: a message is written straight into the database, behind the app's back, so that a replay
// (sync) can carry an event before live delivery does. The hub remembers how far the replay went and must not send
// the same event again when the topic's sequencer later delivers it live (server/realtime/hub.ts, `replayedUpTo`).
const db = appPostgres()

describe('a replay ahead of live delivery', () => {
  it('sends each event once: the live copy of what sync already carried is skipped, what follows is delivered', async () => {
    const f = await createProjectFixture(baseURL(), await signInAdmin())
    const conv = (await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Replay ahead', kind: 'group', participantIds: [f.client.user.id] })).body.conversation.id
    const first = await f.staff.api.post(`/conversations/${conv}/messages`, { clientId: uniq('before'), content: 'before' })
    const head = first.body.message.seq as number
    const reader = await wsConnect(baseURL(), { token: f.client.token })
    await reader.request('subscribe', { conversationIds: [conv] })

    // Committed without a publish: the instance's sequencer does not know of seq head + 1 yet.
    const hidden = uuidv7()
    await db`
      with bumped as (update switchboard.conversations set last_seq = last_seq + 1 where id = ${conv} returning last_seq),
      inserted as (
        insert into switchboard.messages (id, conversation_id, seq, sender_id, client_id, type, content, mentions)
        select ${hidden}, ${conv}, last_seq, ${f.staff.user.id}, ${uniq('hidden')}, 'text', 'written behind the app', '{}'::uuid[] from bumped
        returning id, seq)
      insert into switchboard.conversation_events (conversation_id, seq, type, message_id)
      select ${conv}, seq, 'message:new', id from inserted`

    const synced = await reader.request('sync', { cursors: { [conv]: head } })
    expect(synced.data.conversations[conv]).toEqual({ lastSeq: head + 1, reset: false })
    // The next live event leaves a gap at head + 1: the sequencer reads it from the feed and delivers it live too.
    const next = await f.staff.api.post(`/conversations/${conv}/messages`, { clientId: uniq('after'), content: 'after' })
    expect(next.body.message.seq).toBe(head + 2)
    await reader.next(fr => fr.type === 'message:new' && fr.conversationId === conv && fr.seq === head + 2)
    const third = await f.staff.api.post(`/conversations/${conv}/messages`, { clientId: uniq('later'), content: 'later' })
    await reader.next(fr => fr.type === 'message:new' && fr.conversationId === conv && fr.seq === third.body.message.seq)

    const seqs = reader.frames.filter(fr => fr.type === 'message:new' && fr.conversationId === conv).map(fr => fr.seq)
    expect(seqs).toEqual([head + 1, head + 2, head + 3])
    expect(reader.frames.find(fr => fr.type === 'message:new' && fr.seq === head + 1)?.data.message.id).toBe(hidden)
  })
})
