import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../server/adapters/database/use-database'
import type { DatabaseHandle } from '../../server/adapters/database/database'
import { createTestDatabase } from '../helpers/app-process'

const run = promisify(execFile)
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

async function rows<T>(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await handle.db.execute(query) as unknown as T[] | { rows: T[] }
  return Array.isArray(result) ? result : result.rows
}

// PGlite migrations take seconds of WASM work on a busy 2-core machine: generous timeouts, no timing asserted.
describe.each([['Postgres 15', openPostgres], ['PGlite', openPglite]] as const)('migrations on %s', { timeout: 120_000 }, (_name, open) => {
  it('apply from scratch, are idempotent, and leave every table in the switchboard schema', async () => {
    const handle = await open()
    await handle.migrate()
    await handle.migrate()
    const tables = await rows<{ table_name: string }>(handle, sql`select table_name from information_schema.tables where table_schema = 'switchboard' order by 1`)
    expect(tables.map(t => t.table_name)).toEqual(expect.arrayContaining([
      'audit_log', 'blocks', 'conversation_events', 'conversation_members', 'conversations', 'files', 'invites',
      'message_edits', 'messages', 'project_members', 'projects', 'reactions', 'reports', 'sessions', 'users'
    ]))
    const inPublic = await rows<{ n: number }>(handle, sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`)
    expect(Number(inPublic[0]!.n)).toBe(0)
    const trgm = await rows<{ similarity: number }>(handle, sql`select similarity('switchboard', 'switchbored') as similarity`)
    expect(Number(trgm[0]!.similarity)).toBeGreaterThan(0.3)
  })

  it('keeps the audit log append-only in the database: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const handle = await open()
    await handle.migrate()
    await handle.db.execute(sql`insert into switchboard.audit_log (action, target_type) values ('test.append', 'test')`)
    await expect(handle.db.execute(sql`update switchboard.audit_log set action = 'tampered'`)).rejects.toThrow()
    await expect(handle.db.execute(sql`delete from switchboard.audit_log`)).rejects.toThrow()
    await expect(handle.db.execute(sql`truncate switchboard.audit_log`)).rejects.toThrow()
    const left = await rows<{ action: string }>(handle, sql`select action from switchboard.audit_log`)
    expect(left.map(r => r.action)).toEqual(['test.append'])
  })
})

describe('migrating', () => {
  it('serializes concurrent start-ups of several instances on one Postgres (advisory lock)', async () => {
    const db = await createTestDatabase()
    cleanups.push(db.drop)
    const handles = await Promise.all([1, 2, 3].map(() => openDatabase({ url: db.url, pgliteDir: '' })))
    await Promise.all(handles.map(h => h.migrate()))
    const applied = await rows<{ n: number }>(handles[0]!, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
    expect(Number(applied[0]!.n)).toBeGreaterThanOrEqual(2)
    await Promise.all(handles.map(h => h.close()))
  }, 60_000)

  it('works as `npm run db:migrate` against a fresh PGlite directory and a fresh Postgres database', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-migrate-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const embedded = await run('npm', ['run', '--silent', 'db:migrate'], { env: { ...process.env, DATABASE_URL: '', PGLITE_DIR: dir } })
    expect(embedded.stdout).toContain('migrated (pglite)')
    const db = await createTestDatabase()
    cleanups.push(db.drop)
    const server = await run('npm', ['run', '--silent', 'db:migrate'], { env: { ...process.env, DATABASE_URL: db.url } })
    expect(server.stdout).toContain('migrated (postgres)')
  }, 120_000)
})

describe('prepared statements on Postgres', () => {
  async function preparedCount(prepare: boolean) {
    const db = await createTestDatabase()
    // One connection, so the prepared statement and the look at pg_prepared_statements share a session.
    const handle = await openDatabase({ url: db.url, pgliteDir: '', poolSize: 1, prepare })
    cleanups.push(async () => {
      await handle.close()
      await db.drop()
    })
    const query = handle.db.select({ one: sql<number>`${sql.placeholder('n')}::int` }).from(sql`(select 1) as t`).prepare('probe')
    expect(await query.execute({ n: 7 })).toEqual([{ one: 7 }])
    expect(await query.execute({ n: 8 })).toEqual([{ one: 8 }])
    const [{ count }] = await rows<{ count: number }>(handle, sql`select count(*)::int as count from pg_prepared_statements where statement like '%::int%'`)
    return count
  }

  it('keeps the hot queries prepared on the connection by default', async () => {
    expect(await preparedCount(true)).toBe(1)
  })

  it('sends every query unprepared with DATABASE_PREPARE=off (for poolers in transaction mode)', async () => {
    expect(await preparedCount(false)).toBe(0)
  })
})
