import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../server/adapters/database/use-database'
import type { DatabaseHandle } from '../../server/adapters/database/database'
import { listEndedAccess } from '../../server/domain/auth/users'
import { createTestDatabase } from '../helpers/app-process'

// The socket sweep's one statement (server/realtime/sweeper.ts closes what it returns with 4001), on both
// databases: the server suite reaches its session branch through logout, but suspension closes sockets at once
// through the bus, so only here does the suspended-users branch fail when it breaks.
const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

async function openPostgres(): Promise<DatabaseHandle> {
  const db = await createTestDatabase()
  const handle = await openDatabase({ url: db.url, pgliteDir: '' })
  cleanups.push(async () => {
    await handle.close()
    await db.drop()
  })
  return handle
}

async function openPglite(): Promise<DatabaseHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-pglite-'))
  const handle = await openDatabase({ pgliteDir: dir })
  cleanups.push(async () => {
    await handle.close()
    await rm(dir, { recursive: true, force: true })
  })
  return handle
}

async function user(handle: DatabaseHandle, suspendedUntil: string | null) {
  const id = randomUUID()
  await handle.db.execute(sql`insert into switchboard.users (id, email, handle, display_name, suspended_until)
    values (${id}, ${`${id}@ended.test`}, ${`u${id.slice(0, 8)}`}, 'Ended test', ${suspendedUntil}::timestamptz)`)
  return id
}

async function session(handle: DatabaseHandle, userId: string, expiresAt: string, revokedAt: string | null = null) {
  const id = randomUUID()
  await handle.db.execute(sql`insert into switchboard.sessions (id, user_id, token_hash, expires_at, revoked_at)
    values (${id}, ${userId}, ${`hash-${id}`}, ${expiresAt}::timestamptz, ${revokedAt}::timestamptz)`)
  return id
}

describe.each([['Postgres 15', openPostgres], ['PGlite', openPglite]] as const)('the sweep\'s ended-access check on %s', { timeout: 120_000 }, (_name, open) => {
  let handle: DatabaseHandle
  beforeAll(async () => {
    handle = await open()
    await handle.migrate()
  }, 120_000)

  it('returns exactly the revoked and expired sessions and the users suspended now, ignoring unknown and malformed ids', async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString()
    const earlier = new Date(Date.now() - 3_600_000).toISOString()
    const active = await user(handle, null)
    const suspended = await user(handle, later)
    const suspensionOver = await user(handle, earlier)
    const live = await session(handle, active, later)
    const revoked = await session(handle, active, later, earlier)
    const expired = await session(handle, active, earlier)

    const ended = await listEndedAccess(
      [live, revoked, expired, revoked, randomUUID(), 'not-a-uuid', '\'); drop table switchboard.sessions; --'],
      [active, suspended, suspensionOver, randomUUID(), 'x,y'],
      handle
    )
    expect([...ended.sessionIds].sort()).toEqual([revoked, expired].sort())
    expect([...ended.userIds]).toEqual([suspended])
  })

  it('answers empty lists, and lists of nothing but malformed ids, with nothing ended', async () => {
    for (const [sessions, users] of [[[], []], [['nope'], ['1,2']]] as const) {
      const ended = await listEndedAccess([...sessions], [...users], handle)
      expect(ended.sessionIds.size + ended.userIds.size).toBe(0)
    }
  })
})
