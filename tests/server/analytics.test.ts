import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Api, createProjectFixture, signIn, uniq } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'
import { writeAnalyticsFixture } from '../helpers/analytics-fixture'
import type { AnalyticsFixture } from '../helpers/analytics-fixture'
import { ADMIN, ANALYST, startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'
import { dbMode } from '../helpers/server'
import { until } from '../helpers/wait'

// Its own app: the hand-computed timeline (tests/helpers/analytics-fixture.ts) is written into the database
// before boot, a 4-hour first-response gap, and a 12-hour schedule so only the boot-time refresh runs.
let stack: TestStack
let fx: AnalyticsFixture
let admin: Actor
let analyst: Actor
let members: ProjectFixture

const kinds = (k: Partial<Record<string, number>>) => ({ project: 0, support: 0, announcement: 0, group: 0, dm: 0, ...k })
const range = () => `projectId=${fx.projectId}&from=${fx.d(0)}&to=${fx.d(2)}`

describe('analytics', () => {
  beforeAll(async () => {
    stack = await startTestStack(dbMode(), { ANALYTICS_REFRESH_SECONDS: '43200', FIRST_RESPONSE_GAP_HOURS: '4' }, async (env) => {
      fx = await writeAnalyticsFixture(env)
    })
    admin = await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password)
    analyst = await signIn(stack.app.baseURL, ANALYST.email, ANALYST.password)
    members = await createProjectFixture(stack.app.baseURL, admin)
    // The boot-time scheduled refresh must be over, or the tests' own refreshes could meet it and get 409.
    await until(() => admin.api.get('/admin/jobs?name=analytics.refresh&state=completed'), r => r.body.jobs?.length > 0)
  })
  afterAll(async () => {
    await stack?.teardown()
  })

  it('counts messages per day and kind, active conversations and users, leaving out deleted messages and system notices', async () => {
    const res = await analyst.api.get(`/admin/analytics?${range()}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ from: fx.d(0), to: fx.d(2), totalMessages: 17, activeConversations: 3, activeUsers: 4 })
    expect(res.body.messagesByDay).toEqual([
      { day: fx.d(0), messages: 11, byKind: kinds({ support: 7, dm: 2, project: 2 }), activeConversations: 3, activeUsers: 4 },
      { day: fx.d(1), messages: 3, byKind: kinds({ support: 1, project: 2 }), activeConversations: 2, activeUsers: 3 },
      { day: fx.d(2), messages: 3, byKind: kinds({ support: 2, dm: 1 }), activeConversations: 2, activeUsers: 3 }
    ])
    expect(res.body.busiestConversations).toEqual([
      { conversationId: fx.support, projectId: fx.projectId, kind: 'support', messages: 10 },
      { conversationId: fx.general, projectId: fx.projectId, kind: 'project', messages: 4 },
      { conversationId: fx.dm, projectId: fx.projectId, kind: 'dm', messages: 3 }
    ])
  })

  it('times first responses per client thread: the gap reopens a thread, bots, system notices and deleted messages do not count', async () => {
    const res = await analyst.api.get(`/admin/analytics?${range()}`)
    // Answered: 1800 (T1), 28800 (T2, reopened), 120 (T3), 900 (T4), 360 (T6); T5 waits since D+2.
    expect(res.body).toMatchObject({
      threads: 6, answeredThreads: 5, unansweredThreads: 1,
      avgFirstResponseSeconds: 6396, medianFirstResponseSeconds: 900, p90FirstResponseSeconds: 18000,
      firstResponseGapHours: 4, unansweredAfterHours: 24
    })
    expect(res.body.firstResponseBuckets.map((b: { bucket: string, threads: number }) => [b.bucket, b.threads])).toEqual([
      ['under_5m', 1], ['5m_15m', 1], ['15m_1h', 2], ['1h_4h', 0], ['4h_24h', 1], ['over_24h', 0]
    ])
    const support = await analyst.api.get(`/admin/analytics?${range()}&kind=support`)
    expect(support.body).toMatchObject({
      totalMessages: 10, activeConversations: 1, activeUsers: 3, threads: 3, answeredThreads: 3, unansweredThreads: 0,
      avgFirstResponseSeconds: 10240, medianFirstResponseSeconds: 1800, p90FirstResponseSeconds: 23400
    })
    // T5 has waited 8 days: not yet unanswered by a 10-day threshold.
    const patient = await analyst.api.get(`/admin/analytics?${range()}&unansweredAfterHours=240`)
    expect(patient.body.unansweredThreads).toBe(0)
  })

  it('gives the same numbers for the previous period of equal length', async () => {
    const res = await analyst.api.get(`/admin/analytics?${range()}`)
    expect(res.body.previous).toEqual({
      from: fx.d(-3), to: fx.d(-1), totalMessages: 1, activeConversations: 1, activeUsers: 1,
      threads: 0, answeredThreads: 0, unansweredThreads: 0,
      avgFirstResponseSeconds: null, medianFirstResponseSeconds: null, p90FirstResponseSeconds: null
    })
  })

  it('drills down to one row per conversation: analysts get ids and counts, admins also titles and project names', async () => {
    const rows = [
      { conversationId: fx.support, projectId: fx.projectId, kind: 'support', messages: 10, participants: 4, firstResponseMedianSeconds: 1800 },
      { conversationId: fx.general, projectId: fx.projectId, kind: 'project', messages: 4, participants: 4, firstResponseMedianSeconds: 360 },
      { conversationId: fx.dm, projectId: fx.projectId, kind: 'dm', messages: 3, participants: 2, firstResponseMedianSeconds: 900 }
    ]
    const asAnalyst = await analyst.api.get(`/admin/analytics/conversations?${range()}`)
    expect(asAnalyst.status).toBe(200)
    expect(asAnalyst.body).toEqual({ from: fx.d(0), to: fx.d(2), truncated: false, conversations: rows })
    const asAdmin = await admin.api.get(`/admin/analytics/conversations?${range()}`)
    expect(asAdmin.body.conversations).toEqual(rows.map((r, i) => ({ ...r, title: [fx.titles[0], fx.titles[2], fx.titles[1]][i], projectName: fx.projectName })))
    // One bar of the chart: day D only.
    const day = await analyst.api.get(`/admin/analytics/conversations?projectId=${fx.projectId}&day=${fx.d(0)}`)
    const ties = [fx.dm, fx.general].sort()
    expect(day.body.conversations).toEqual([
      { conversationId: fx.support, projectId: fx.projectId, kind: 'support', messages: 7, participants: 4, firstResponseMedianSeconds: 15300 },
      ...ties.map(id => id === fx.dm
        ? { conversationId: fx.dm, projectId: fx.projectId, kind: 'dm', messages: 2, participants: 2, firstResponseMedianSeconds: 900 }
        : { conversationId: fx.general, projectId: fx.projectId, kind: 'project', messages: 2, participants: 4, firstResponseMedianSeconds: null })
    ])
    const limited = await analyst.api.get(`/admin/analytics/conversations?${range()}&limit=1`)
    expect(limited.body).toMatchObject({ truncated: true, conversations: [rows[0]] })
  })

  it('downloads the drill-down as RFC 4180 CSV for analysts', async () => {
    const res = await fetch(`${stack.app.baseURL}/api/admin/analytics/conversations.csv?${range()}`, { headers: { authorization: `Bearer ${analyst.token}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="analytics-conversations-${fx.d(0)}-${fx.d(2)}.csv"`)
    expect(await res.text()).toBe([
      'conversationId,projectId,kind,messages,participants,firstResponseMedianSeconds',
      `${fx.support},${fx.projectId},support,10,4,1800`,
      `${fx.general},${fx.projectId},project,4,4,360`,
      `${fx.dm},${fx.projectId},dm,3,2,900`,
      ''
    ].join('\r\n'))
  })

  it('never gives analysts titles, names, member lists or message bodies', async () => {
    const bodies = await Promise.all([
      analyst.api.get(`/admin/analytics?${range()}`),
      analyst.api.get(`/admin/analytics/conversations?${range()}`),
      analyst.api.get(`/admin/analytics/conversations.csv?${range()}`)
    ])
    const text = bodies.map(b => JSON.stringify(b.body)).join('\n')
    for (const secret of [...fx.titles, fx.projectName, ...fx.names, ...fx.contents]) expect(text).not.toContain(secret)
    // Admins do see the titles, so the check above is not vacuous.
    expect(JSON.stringify((await admin.api.get(`/admin/analytics?${range()}`)).body)).toContain(fx.titles[0])
  })

  it('answers analysts on the analytics routes only: every other admin route is 404, and so is refresh', async () => {
    for (const path of ['/admin/audit', '/admin/reports', '/admin/users', '/admin/jobs', '/admin/conversations', `/admin/conversations/${fx.support}/export?format=json`]) {
      const res = await analyst.api.get(path)
      expect([path, res.status, res.body?.data?.code]).toEqual([path, 404, 'not_found'])
    }
    const refresh = await analyst.api.post('/admin/analytics/refresh')
    expect([refresh.status, refresh.body.data.code]).toEqual([404, 'not_found'])
  })

  it('hides the analytics routes from members (404) and signed-out callers (401)', async () => {
    for (const actor of [members.owner, members.staff, members.client]) {
      for (const path of ['/admin/analytics', '/admin/analytics/conversations', '/admin/analytics/conversations.csv', '/admin/analytics/projects']) {
        expect((await actor.api.get(path)).status).toBe(404)
      }
      expect((await actor.api.post('/admin/analytics/refresh')).status).toBe(404)
    }
    expect((await new Api(stack.app.baseURL).get('/admin/analytics')).status).toBe(401)
  })

  it('lists the projects for the dashboard\'s filter to analysts and admins, and says how often the views refresh', async () => {
    for (const reader of [analyst, admin]) {
      const res = await reader.api.get('/admin/analytics/projects')
      expect(res.status).toBe(200)
      expect(res.body.projects).toContainEqual({ id: fx.projectId, name: fx.projectName })
      expect(Object.keys(res.body.projects[0]).sort()).toEqual(['id', 'name'])
    }
    expect((await analyst.api.get(`/admin/analytics?${range()}`)).body.refreshIntervalSeconds).toBe(43200)
  })

  it('refuses bad queries with 400 validation_failed', async () => {
    for (const query of ['from=2024-02-30', `from=${fx.d(2)}&to=${fx.d(0)}`, 'from=2020-01-01&to=2022-01-01', 'kind=chat', 'projectId=nope', 'unansweredAfterHours=0', 'extra=1', 'from=2000-01-01']) {
      const res = await analyst.api.get(`/admin/analytics?${query}`)
      expect([query, res.status, res.body.data?.code]).toEqual([query, 400, 'validation_failed'])
    }
  })

  it('refreshes on demand: new messages show up only after a refresh, which moves refreshedAt and records its duration', async () => {
    const { body: conversation } = await members.staff.api.post(`/projects/${members.project.id}/conversations`, { title: 'Fresh', kind: 'group', participantIds: [members.client.user.id] })
    const sent = await members.client.api.post(`/conversations/${conversation.conversation.id}/messages`, { clientId: uniq('c'), content: 'hello' })
    expect(sent.status).toBe(201)
    const today = new Date().toISOString().slice(0, 10)
    const before = await analyst.api.get(`/admin/analytics?projectId=${members.project.id}&from=${today}&to=${today}`)
    expect(before.body.totalMessages).toBe(0)
    expect(before.body.refreshedAt).toEqual(expect.any(String))
    const refreshed = await admin.api.post('/admin/analytics/refresh')
    expect(refreshed.status).toBe(200)
    expect(refreshed.body).toEqual({ refreshedAt: expect.any(String), refreshDurationMs: expect.any(Number) })
    expect(Date.parse(refreshed.body.refreshedAt)).toBeGreaterThan(Date.parse(before.body.refreshedAt))
    const after = await analyst.api.get(`/admin/analytics?projectId=${members.project.id}&from=${today}&to=${today}`)
    expect(after.body).toMatchObject({ totalMessages: 1, activeUsers: 1, threads: 1, unansweredThreads: 0, refreshedAt: refreshed.body.refreshedAt, refreshDurationMs: refreshed.body.refreshDurationMs })
  })

  it('runs one refresh at a time: of two concurrent requests one refreshes, the other gets 409 conflict', async () => {
    const results = await Promise.all([admin.api.post('/admin/analytics/refresh'), admin.api.post('/admin/analytics/refresh')])
    expect(results.map(r => r.status).sort()).toEqual([200, 409])
    expect(results.find(r => r.status === 409)!.body.data.code).toBe('conflict')
    // The lock is released afterwards: the next refresh runs.
    expect((await admin.api.post('/admin/analytics/refresh')).status).toBe(200)
  })
})
