import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../helpers/api'
import type { Actor } from '../helpers/api'
import { ADMIN, startTestStack } from '../helpers/app-process'
import type { TestStack } from '../helpers/app-process'

// A Postgres outage for this app only: its database stops accepting connections and its sessions are cut.
let stack: TestStack
let admin: Actor
let control: postgres.Sql
let database: string

async function setAvailable(available: boolean) {
  await control.unsafe(`alter database ${database} allow_connections ${available}`)
  if (!available) await control.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${database}'`)
}

describe('when Postgres is unavailable', () => {
  beforeAll(async () => {
    stack = await startTestStack('postgres', { RATE_LIMITS: 'off' })
    admin = await signIn(stack.app.baseURL, ADMIN.email, ADMIN.password)
    database = new URL(stack.app.env.DATABASE_URL!).pathname.slice(1)
    control = postgres(process.env.TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test', { max: 1, onnotice: () => {} })
  })
  afterAll(async () => {
    await setAvailable(true).catch(() => {})
    await control?.end()
    await stack?.teardown()
  })

  it('answers 503 unavailable without leaking internals, and recovers by itself', async () => {
    expect((await admin.api.get('/projects')).status).toBe(200)
    await setAvailable(false)
    const statuses = []
    for (let i = 0; i < 3; i++) {
      const res = await admin.api.get('/projects')
      statuses.push(res.status)
      expect(res.body.data.code).toBe('unavailable')
      expect(JSON.stringify(res.body)).not.toMatch(/postgres|select |sb_test|at .*\.(m?js|ts)/i)
    }
    expect(statuses).toEqual([503, 503, 503])
    expect((await fetch(`${stack.app.baseURL}/api/health`)).status).toBe(503)
    await setAvailable(true)
    expect((await admin.api.get('/projects')).status).toBe(200)
    expect((await fetch(`${stack.app.baseURL}/api/health`)).status).toBe(200)
  })
})
