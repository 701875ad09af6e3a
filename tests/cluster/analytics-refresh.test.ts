import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { on, startCluster, waitFor } from './cluster'
import type { Cluster } from './cluster'

// server/domain/analytics/refresh.ts: the advisory lock every instance takes around a refresh.
const REFRESH_LOCK_KEY = 7_411_902_554
const INTERVAL_SECONDS = 2

interface Job { id: string, state: string, createdOn: string, startedOn: string | null, completedOn: string | null }
interface Refresh { trigger: string, started_at: Date, finished_at: Date }

async function listRefreshJobs(cluster: Cluster): Promise<Job[]> {
  const res = await cluster.admin.api.get('/admin/jobs?name=analytics.refresh&limit=500')
  if (res.status !== 200) throw new Error(`jobs list failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.jobs
}

/**
 * Jobs and refresh rows read at one quiet moment: no refresh job active before or after the rows were read and
 * the completed set unchanged, so every completed job's refresh is among the rows and no row is half-way.
 */
async function settledRefreshes(cluster: Cluster, sql: postgres.Sql, completedAtLeast: number) {
  return waitFor(async () => {
    const before = await listRefreshJobs(cluster)
    const refreshes = await sql<Refresh[]>`select trigger, started_at, finished_at from analytics.refreshes order by started_at`
    const after = await listRefreshJobs(cluster)
    const completed = (jobs: Job[]) => jobs.filter(j => j.state === 'completed').map(j => j.id).sort().join()
    const quiet = [...before, ...after].every(j => j.state !== 'active')
    const jobs = after.filter(j => j.state === 'completed')
    return quiet && completed(before) === completed(after) && jobs.length >= completedAtLeast ? { jobs, refreshes } : undefined
  }, `${completedAtLeast} completed scheduled refreshes at a quiet moment`, 90_000, 100)
}

describe('scheduled analytics refresh on two instances', () => {
  let cluster: Cluster
  let sql: postgres.Sql
  beforeAll(async () => {
    cluster = await startCluster({ ANALYTICS_REFRESH_SECONDS: String(INTERVAL_SECONDS) })
    sql = postgres(cluster.a.env.DATABASE_URL!, { max: 1, onnotice: () => {} })
  })
  afterAll(async () => {
    await sql?.end()
    await cluster?.teardown()
  })

  it('refreshes once per schedule slot across both instances, and never two refreshes at once', async () => {
    const { jobs, refreshes } = await settledRefreshes(cluster, sql, 4)
    // pg-boss stamps a throttled job with its slot, floor(epoch / interval), from the same now() as createdOn.
    const slots = jobs.map(j => Math.floor(Date.parse(j.createdOn) / (INTERVAL_SECONDS * 1000)))
    expect(new Set(slots).size).toBe(jobs.length)
    const scheduled = refreshes.filter(r => r.trigger === 'schedule')
    expect(scheduled).toHaveLength(refreshes.length)
    expect(scheduled).toHaveLength(jobs.length)
    // Each job ran exactly one refresh, inside its own run (1 ms: Postgres keeps microseconds, Date milliseconds).
    for (const job of jobs) {
      const from = Date.parse(job.startedOn!) - 1
      const to = Date.parse(job.completedOn!) + 1
      const inside = scheduled.filter(r => r.started_at.getTime() >= from && r.finished_at.getTime() <= to)
      expect(inside, `refreshes inside job ${job.id}`).toHaveLength(1)
    }
    for (let i = 1; i < scheduled.length; i++) {
      expect(scheduled[i]!.started_at.getTime()).toBeGreaterThanOrEqual(scheduled[i - 1]!.finished_at.getTime())
    }
  })
})

describe('on-demand analytics refresh while another instance refreshes', () => {
  let cluster: Cluster
  let sql: postgres.Sql
  beforeAll(async () => {
    // The longest schedule: after the boot-time run, no scheduled refresh takes the lock during the test.
    cluster = await startCluster({ ANALYTICS_REFRESH_SECONDS: '43200' })
    sql = postgres(cluster.a.env.DATABASE_URL!, { max: 1, onnotice: () => {} })
    await settledRefreshes(cluster, sql, 1)
  })
  afterAll(async () => {
    await sql?.end()
    await cluster?.teardown()
  })

  it('answers 409 conflict on both instances while the refresh lock is held, and refreshes on both once it is released', async () => {
    const [{ n: recorded }] = await sql<[{ n: number }]>`select count(*)::int as n from analytics.refreshes`
    // The lock held by a transaction of this test plays instance B's running refresh, exactly as refresh.ts takes it.
    await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${REFRESH_LOCK_KEY})`
      for (const app of [cluster.a, cluster.b]) {
        const refused = await on(app, cluster.admin).api.post('/admin/analytics/refresh')
        expect([refused.status, refused.body.data.code]).toEqual([409, 'conflict'])
      }
    })
    const [{ n: afterRefused }] = await sql<[{ n: number }]>`select count(*)::int as n from analytics.refreshes`
    expect(afterRefused).toBe(recorded)
    for (const app of [cluster.a, cluster.b]) {
      const refreshed = await on(app, cluster.admin).api.post('/admin/analytics/refresh')
      expect(refreshed.status).toBe(200)
      expect(refreshed.body).toEqual({ refreshedAt: expect.any(String), refreshDurationMs: expect.any(Number) })
    }
    const manual = await sql<Refresh[]>`select trigger, started_at, finished_at from analytics.refreshes where trigger = 'manual'`
    expect(manual).toHaveLength(2)
  })
})
