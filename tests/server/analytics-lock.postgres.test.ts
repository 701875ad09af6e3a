import { describe, expect, it } from 'vitest'
import { appPostgres, signInAdmin } from '../helpers/server'

// Postgres run only (scripts/test-all.sh excludes *.postgres.test.ts from the PGlite run): another instance's
// refresh is played by a session of the test's own that holds the refresh lock, which PGlite cannot share.
const REFRESH_LOCK_KEY = 7_411_902_554
const other = appPostgres()

describe('analytics refresh across instances', () => {
  it('answers 409 conflict while another instance holds the refresh lock, and refreshes once it is released', async () => {
    const admin = await signInAdmin()
    await other`select pg_advisory_lock(${REFRESH_LOCK_KEY})`
    try {
      const refused = await admin.api.post('/admin/analytics/refresh')
      expect([refused.status, refused.body.data.code]).toEqual([409, 'conflict'])
    } finally {
      await other`select pg_advisory_unlock(${REFRESH_LOCK_KEY})`
    }
    const refreshed = await admin.api.post('/admin/analytics/refresh')
    expect(refreshed.status).toBe(200)
  })
})
