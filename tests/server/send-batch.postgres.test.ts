import { describe, expect, it } from 'vitest'
import { BATCH_SQL } from '../../server/domain/messages/send-batch'
import { createProjectFixture } from '../helpers/api'
import { appPostgres, baseURL, signInAdmin } from '../helpers/server'
import { waitUntil } from '../adapters/helpers'

// Postgres run only: reads the rows' transaction ids (xmin), which the PGlite app keeps to itself.
const db = appPostgres()

describe('group commit of sends, seen from Postgres', () => {
  it('concurrent sends are written by fewer transactions than messages, and each message with its event', async () => {
    const f = await createProjectFixture(baseURL(), await signInAdmin())
    const ids: string[] = []
    for (const title of ['xmin A', 'xmin B', 'xmin C']) {
      const res = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title, kind: 'group', participantIds: [f.client.user.id] })
      ids.push(res.body.conversation.id)
    }
    const results = await Promise.all(Array.from({ length: 90 }, (_, i) =>
      (i % 2 ? f.client : f.staff).api.post(`/conversations/${ids[i % 3]}/messages`, { clientId: `xmin-${i}`, content: `m ${i}` })))
    expect(results.every(r => r.status === 201)).toBe(true)

    // One transaction per send would give 90 distinct xmin; group commit shares them.
    const [{ transactions }] = await db`
      select count(distinct xmin::text)::int as transactions from switchboard.messages where conversation_id = any(${ids}::uuid[])`
    expect(transactions).toBeLessThan(90)
    // A message and its event are always written by the same transaction.
    const split = await db`
      select m.id from switchboard.messages m join switchboard.conversation_events e on e.message_id = m.id and e.type = 'message:new'
      where m.conversation_id = any(${ids}::uuid[]) and m.xmin::text <> e.xmin::text`
    expect(split).toHaveLength(0)

    // A retry of a committed message refuses its batch; its 30 batch-mates are batched again, not sent one by one.
    const retry = results[0]!.body.message
    const more = await Promise.all([
      f.staff.api.post(`/conversations/${ids[0]}/messages`, { clientId: 'xmin-0', content: 'm 0' }),
      ...Array.from({ length: 30 }, (_, i) => f.client.api.post(`/conversations/${ids[i % 3]}/messages`, { clientId: `xmin-more-${i}`, content: `more ${i}` }))
    ])
    expect(more[0]!.body).toMatchObject({ duplicate: true, message: { id: retry.id } })
    expect(more.slice(1).every(r => r.status === 201)).toBe(true)
    const [{ again }] = await db`
      select count(distinct xmin::text)::int as again from switchboard.messages where client_id like 'xmin-more-%' and conversation_id = any(${ids}::uuid[])`
    expect(again).toBeLessThan(30)
  })
  it('batches update their conversations in place (HOT): nothing the send touches is indexed, and pages keep room', async () => {
    const [index] = await db`select indexdef from pg_indexes where schemaname = 'switchboard' and indexname = 'conversations_project_id_idx'`
    expect(index!.indexdef).not.toContain('last_message_at')
    const [table] = await db`select reloptions from pg_class where oid = 'switchboard.conversations'::regclass`
    expect(table!.reloptions).toContain('fillfactor=70')

    const hotUpdates = async () => {
      const [row] = await db`select n_tup_hot_upd::int as hot from pg_stat_user_tables where schemaname = 'switchboard' and relname = 'conversations'`
      return row!.hot as number
    }
    const before = await hotUpdates()
    const f = await createProjectFixture(baseURL(), await signInAdmin())
    const created = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'HOT', kind: 'group', participantIds: [f.client.user.id] })
    const id = created.body.conversation.id as string
    // One at a time: each send is its own batch and its own UPDATE of the conversation's row.
    for (let i = 0; i < 30; i++) expect((await f.client.api.post(`/conversations/${id}/messages`, { clientId: `hot-${i}`, content: `hot ${i}` })).status).toBe(201)
    // Backends report their statistics within seconds of going idle.
    await waitUntil(async () => (await hotUpdates()) - before >= 25, 'the sends\' updates to show as HOT in pg_stat_user_tables', 20_000)
  })

  it('the statement finds the sender\'s participation and project role by primary key, not by walking their participations', async () => {
    const f = await createProjectFixture(baseURL(), await signInAdmin())
    const created = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Plan', kind: 'group', participantIds: [f.client.user.id] })
    const input = [{ id: crypto.randomUUID(), conversation_id: created.body.conversation.id, sender_id: f.client.user.id, client_id: 'plan-1', content: 'plan', reply_to_id: null, mentions: [] }]
    // EXPLAIN without ANALYZE plans the statement and runs none of it.
    const [row] = await db.unsafe(`EXPLAIN (FORMAT JSON) ${BATCH_SQL}`, [input as never])
    const indexes = JSON.stringify(row!['QUERY PLAN']).match(/"Index Name":"[^"]+"/g) ?? []
    expect(indexes).toContain('"Index Name":"conversation_members_conversation_id_user_id_pk"')
    expect(indexes).toContain('"Index Name":"project_members_project_id_user_id_pk"')
    // The partial index on user_id lists every live participation of the sender: one lookup became hundreds.
    expect(indexes).not.toContain('"Index Name":"conversation_members_user_id_idx"')
  })

  it('a sender whose project membership is gone is refused by the statement even while their participation row stays', async () => {
    const f = await createProjectFixture(baseURL(), await signInAdmin())
    const created = await f.staff.api.post(`/projects/${f.project.id}/conversations`, { title: 'Membership row gone', kind: 'group', participantIds: [f.client.user.id] })
    const id = created.body.conversation.id as string
    // The first send leaves the sender's access remembered by the instance.
    expect((await f.client.api.post(`/conversations/${id}/messages`, { clientId: 'member-1', content: 'member' })).status).toBe(201)
    // The API ends participations along with the membership; only the statement's own check is left here.
    await db`delete from switchboard.project_members where project_id = ${f.project.id} and user_id = ${f.client.user.id}`
    const after = await f.client.api.post(`/conversations/${id}/messages`, { clientId: 'member-2', content: 'not a member' })
    expect(after.status).toBe(404)
    const stored = await db`select client_id from switchboard.messages where conversation_id = ${id} order by seq`
    expect(stored.map(r => r.client_id)).toEqual(['member-1'])
  })
})
