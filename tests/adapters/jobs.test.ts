import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { JobRunner } from '../../server/platform/jobs/runner'
import { waitUntil } from './helpers'
import { cleanUp, createPGlite, createPostgres, getJob, removeSharedPGlite, startRunner } from './job-databases'

afterEach(async () => {
  expect(await cleanUp()).toEqual([])
})
afterAll(removeSharedPGlite)

describe.each([['Postgres', createPostgres], ['PGlite', createPGlite]] as const)('the job runner on %s', (_name, createDatabase) => {
  it('runs a job it enqueued once and lists it as completed', async () => {
    const seen: unknown[] = []
    const { runner, connection } = await startRunner(await createDatabase(), (r) => {
      r.define<{ n: number }>('greet', async (data) => {
        seen.push(data)
      })
    })
    const id = await runner.enqueue('greet', { n: 1 })
    await waitUntil(async () => (await getJob(runner, 'greet'))?.state === 'completed', 'the job to complete')
    expect(seen).toEqual([{ n: 1 }])
    expect(await runner.list({ name: 'greet' })).toMatchObject([{ id, name: 'greet', state: 'completed', retryCount: 0, error: null }])
    const inPublic = await connection.executeSql(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`)
    expect(inPublic.rows).toEqual([{ n: 0 }])
  })

  it('keeps a job queued while no instance runs, and the next instance to start runs it', async () => {
    const db = await createDatabase()
    const first = await startRunner(db)
    await first.runner.enqueue('scan', { fileId: 'f1' })
    expect((await getJob(first.runner, 'scan'))?.state).toBe('created')
    await first.runner.stop()
    await first.connection.close()

    const seen: unknown[] = []
    const second = await startRunner(db, (r) => {
      r.define('scan', async (data) => {
        seen.push(data)
      })
    })
    await waitUntil(async () => (await getJob(second.runner, 'scan'))?.state === 'completed', 'the job to run after the restart')
    expect(seen).toEqual([{ fileId: 'f1' }])
  })

  it('retries a job whose instance died mid-run once the job expires', async () => {
    const db = await createDatabase()
    const first = await startRunner(db)
    await first.runner.enqueue('thumbnail', { fileId: 'f2' })
    // What a crashed instance leaves behind: the job claimed, and nobody left to finish it.
    await first.connection.executeSql(`UPDATE ${db.schema ?? 'switchboard_jobs'}.job
      SET state = 'active', started_on = now(), expire_in = interval '1 second' WHERE name = 'thumbnail'`)
    await first.runner.stop()
    await first.connection.close()

    const seen: unknown[] = []
    const second = await startRunner(db, (r) => {
      r.define('thumbnail', async (data) => {
        seen.push(data)
      })
    }, { maintenanceIntervalSeconds: 1 })
    await waitUntil(async () => (await getJob(second.runner, 'thumbnail'))?.state === 'completed', 'maintenance to expire and retry the job', 10_000)
    expect(seen).toEqual([{ fileId: 'f2' }])
    expect(await getJob(second.runner, 'thumbnail')).toMatchObject({ retryCount: 1 })
  })

  it('retries a failing job with growing delays up to its retry limit, then lists it as failed with the error', async () => {
    const attempts: number[] = []
    const { runner } = await startRunner(await createDatabase(), (r) => {
      r.define('flaky', async () => {
        attempts.push(Date.now())
        throw new Error(`boom ${attempts.length}`)
      }, { retryLimit: 2, retryDelaySeconds: 1, retryBackoff: true })
    })
    await runner.enqueue('flaky', {})
    await waitUntil(async () => (await getJob(runner, 'flaky'))?.state === 'failed', 'the job to fail for good', 15_000)
    expect(attempts).toHaveLength(3)
    // pg-boss backoff: delay × 2^attempt / 2 plus up to as much jitter, so at least 1 s, then at least 2 s.
    const [first, second, third] = attempts as [number, number, number]
    expect(second - first).toBeGreaterThanOrEqual(950)
    expect(third - second).toBeGreaterThanOrEqual(1950)
    expect(await getJob(runner, 'flaky')).toMatchObject({ state: 'failed', retryCount: 2, retryLimit: 2, error: 'boom 3' })
  })

  it('lists jobs with their states and filters them by name and state', async () => {
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const { runner } = await startRunner(await createDatabase(), (r) => {
      r.define('slow', () => gate)
      r.define('quick', async () => {})
      r.define('broken', async () => {
        throw new Error('no thumbnail')
      }, { retryLimit: 0 })
    })
    await runner.enqueue('later', {}, { startAfterSeconds: 3600 })
    await runner.enqueue('slow', {})
    await runner.enqueue('quick', {})
    await runner.enqueue('broken', {})
    const expected = { broken: 'failed', quick: 'completed', slow: 'active', later: 'created' }
    await waitUntil(async () => {
      const jobs = await runner.list()
      return jobs.length === 4 && jobs.every(job => expected[job.name as keyof typeof expected] === job.state)
    }, 'each job to reach its state')
    expect(await runner.list({ state: 'failed' })).toMatchObject([{ name: 'broken', error: 'no thumbnail' }])
    expect(await runner.list({ name: 'slow' })).toMatchObject([{ state: 'active' }])
    expect(await runner.list({ limit: 2 })).toHaveLength(2)
    release()
    await waitUntil(async () => (await getJob(runner, 'slow'))?.state === 'completed', 'the slow job to complete')
  })

  it('runs an every() handler once in each interval slot', async () => {
    let runs = 0
    const { runner } = await startRunner(await createDatabase(), (r) => {
      r.every('prune', 1, async () => {
        runs++
      })
    })
    await waitUntil(() => runs >= 3, 'three runs', 10_000)
    await runner.stop()
    const completed = (await runner.list({ name: 'prune', state: 'completed' }))
    expect(completed).toHaveLength(runs)
    const slots = completed.map(job => Math.floor(job.createdOn.getTime() / 1000))
    expect(new Set(slots).size).toBe(slots.length)
  })
})

describe('two job runners on one Postgres database', () => {
  it('run each job exactly once between them', async () => {
    const db = await createPostgres()
    const handled: { n: number, by: string }[] = []
    let active = 0
    let overlapped = false
    const define = (by: string) => (r: JobRunner) => r.define<{ n: number }>('count', async ({ n }) => {
      handled.push({ n, by })
      // The first jobs wait until each runner holds one, so both provably claim work from the same queue.
      active++
      if (active >= 2) overlapped = true
      await waitUntil(() => overlapped, 'both runners to hold a job').catch(() => {})
      active--
    })
    // Started together, so both race to install the schema.
    const [a] = await Promise.all([startRunner(db, define('a')), startRunner(db, define('b'))])
    for (let n = 0; n < 20; n++) await a.runner.enqueue('count', { n })
    await waitUntil(async () => (await a.runner.list({ name: 'count', state: 'completed' })).length === 20, 'all jobs to complete', 10_000)
    expect(handled.map(h => h.n).sort((x, y) => x - y)).toEqual([...Array(20).keys()])
    expect(new Set(handled.map(h => h.by))).toEqual(new Set(['a', 'b']))
  })

  it('run an every() handler once per interval, not once per runner', async () => {
    const db = await createPostgres()
    const runs: string[] = []
    const every = (by: string) => (r: JobRunner) => r.every('refresh-views', 1, async () => {
      runs.push(by)
    })
    const [a, b] = await Promise.all([startRunner(db, every('a')), startRunner(db, every('b'))])
    await waitUntil(() => runs.length >= 4, 'four runs', 10_000)
    await Promise.all([a.runner.stop(), b.runner.stop()])
    const jobs = await a.runner.list({ name: 'refresh-views' })
    const completed = jobs.filter(job => job.state === 'completed')
    expect(completed).toHaveLength(runs.length)
    expect(jobs.filter(job => job.state === 'active')).toEqual([])
    // created_on and the throttle slot come from the same now(): one completed job, and one run, per second.
    const slots = completed.map(job => Math.floor(job.createdOn.getTime() / 1000))
    expect(new Set(slots).size).toBe(slots.length)
  })
})
