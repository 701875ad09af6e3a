import { beforeAll, describe, expect, it } from 'vitest'
import { createProjectFixture, Api } from '../helpers/api'
import type { Actor, ProjectFixture } from '../helpers/api'
import { baseURL, signInAdmin, signInAnalyst } from '../helpers/server'
import { until } from '../helpers/wait'

let f: ProjectFixture
let admin: Actor

describe('background jobs', () => {
  beforeAll(async () => {
    admin = await signInAdmin()
    f = await createProjectFixture(baseURL(), admin)
  })

  it('lets admins list jobs with their state, the scheduled event pruning among them', async () => {
    const res = await until(() => admin.api.get('/admin/jobs?name=events.prune'),
      r => r.status === 200 && r.body.jobs.some((j: any) => j.state === 'completed'))
    const job = res.body.jobs.find((j: any) => j.state === 'completed')
    expect(job).toMatchObject({ name: 'events.prune', state: 'completed', retryCount: 0, error: null })
    expect(new Date(job.completedOn).getTime()).toBeGreaterThanOrEqual(new Date(job.createdOn).getTime())
    const completed = await admin.api.get('/admin/jobs?state=completed&limit=5')
    expect(completed.body.jobs.length).toBeGreaterThan(0)
    expect(completed.body.jobs.every((j: any) => j.state === 'completed')).toBe(true)
  })

  it('hides the job list from everyone but admins: 404 for members and analysts, 401 signed out', async () => {
    for (const actor of [f.owner, f.staff, f.client, await signInAnalyst()]) {
      const res = await actor.api.get('/admin/jobs')
      expect(res.status).toBe(404)
      expect(res.body.data.code).toBe('not_found')
    }
    expect((await new Api(baseURL()).get('/admin/jobs')).status).toBe(401)
  })

  it('refuses an unknown state filter with 400 validation_failed', async () => {
    const res = await admin.api.get('/admin/jobs?state=exploded')
    expect(res.status).toBe(400)
    expect(res.body.data.code).toBe('validation_failed')
  })
})
