import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import postgres from 'postgres'
import { createPGliteExecuteSql, createPostgresExecuteSql } from '../../server/adapters/database/execute-sql'
import { createPgBossRunner } from '../../server/platform/jobs/pg-boss'
import type { PgBossRunnerOptions } from '../../server/platform/jobs/pg-boss'
import type { ExecuteSql, JobInfo, JobLog, JobRunner } from '../../server/platform/jobs/runner'
import { createTestDatabase } from '../helpers/app-process'

// Databases and runners for tests/adapters/jobs.test.ts, each registered for cleanUp().

export interface Connection { executeSql: ExecuteSql, close: () => Promise<void> }
/** One database; connect() is one more instance's connection (PGlite: the open one, or the data dir reopened). */
export interface TestDatabase { schema?: string, connect: () => Promise<Connection> }

const cleanups: Array<() => Promise<void>> = []
const loggedErrors: unknown[] = []
const log: JobLog = { info: () => {}, warn: () => {}, error: (message, detail) => loggedErrors.push({ message, detail }) }

/** Stops the test's runners, closes and drops its databases, and returns the errors its runners logged. */
export async function cleanUp(): Promise<unknown[]> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  return loggedErrors.splice(0)
}

function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined
  return () => (closing ??= close())
}

export async function createPostgres(): Promise<TestDatabase> {
  const db = await createTestDatabase()
  cleanups.push(db.drop)
  return {
    async connect() {
      const sql = postgres(db.url, { max: 4, onnotice: () => {} })
      const close = once(() => sql.end({ timeout: 5 }))
      cleanups.push(close)
      return { executeSql: createPostgresExecuteSql(sql), close }
    }
  }
}

// initdb in WASM takes seconds, so PGlite tests share one data dir and each gets a schema of its own.
let pglite: { dir: string, instance?: PGlite } | undefined
let schemas = 0
export async function removeSharedPGlite(): Promise<void> {
  await pglite?.instance?.close()
  if (pglite) await rm(pglite.dir, { recursive: true, force: true })
  pglite = undefined
}

export async function createPGlite(): Promise<TestDatabase> {
  const shared = pglite ??= { dir: await mkdtemp(join(tmpdir(), 'sb-jobs-')) }
  return {
    schema: `switchboard_jobs_${++schemas}`,
    async connect() {
      const instance = shared.instance ??= await PGlite.create({ dataDir: shared.dir })
      const close = async () => {
        shared.instance = undefined
        await instance.close()
      }
      return { executeSql: createPGliteExecuteSql(instance), close }
    }
  }
}

/** A runner on a new connection, with short polling so tests wait on conditions, not on timers. */
export async function startRunner(db: TestDatabase, setup: (runner: JobRunner) => void = () => {}, options: Partial<PgBossRunnerOptions> = {}) {
  const connection = await db.connect()
  const runner = createPgBossRunner({ executeSql: connection.executeSql, schema: db.schema, pollingIntervalSeconds: 0.2, log, ...options })
  setup(runner)
  cleanups.push(() => runner.stop())
  await runner.start()
  return { runner, connection }
}

export async function getJob(runner: JobRunner, name: string): Promise<JobInfo | undefined> {
  return (await runner.list({ name }))[0]
}
