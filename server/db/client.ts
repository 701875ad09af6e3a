import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import * as schema from './schema'

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]
export type Executor = Database | Transaction

export interface DatabaseHandle {
  db: Database
  mode: 'postgres' | 'pglite'
  migrate(folder?: string): Promise<void>
  close(): Promise<void>
}

// Any constant works; it only has to be the same in every instance so concurrent start-ups migrate one at a time.
const MIGRATION_LOCK_KEY = 7_411_902_553

/** Finds the drizzle/ folder from the repo root, from .output/server (copied at build) or MIGRATIONS_DIR. */
export function findMigrationsFolder(): string {
  const candidates = [
    process.env.MIGRATIONS_DIR,
    resolve('drizzle'),
    process.argv[1] ? join(dirname(process.argv[1]), 'drizzle') : undefined
  ].filter((c): c is string => Boolean(c))
  const found = candidates.find(c => existsSync(join(c, 'meta', '_journal.json')))
  if (!found) throw new Error(`migrations folder not found (looked in ${candidates.join(', ')})`)
  return found
}

/** Opens Postgres (DATABASE_URL) or the file-backed PGlite under dataDir: the one database adapter. */
export async function openDatabase(opts: { url?: string, pgliteDir: string, poolSize?: number }): Promise<DatabaseHandle> {
  if (opts.url) {
    const { default: postgres } = await import('postgres')
    const { drizzle } = await import('drizzle-orm/postgres-js')
    const { migrate } = await import('drizzle-orm/postgres-js/migrator')
    const client = postgres(opts.url, { max: opts.poolSize ?? 10, onnotice: () => {} })
    const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as Database
    return {
      db,
      mode: 'postgres',
      async migrate(folder = findMigrationsFolder()) {
        // One connection, so the advisory lock and the migration share a session.
        const single = postgres(opts.url!, { max: 1, onnotice: () => {} })
        try {
          await single`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`
          await migrate(drizzle(single, { casing: 'snake_case' }), { migrationsFolder: folder })
        } finally {
          await single.end({ timeout: 5 })
        }
      },
      close: () => client.end({ timeout: 5 })
    }
  }
  const { PGlite } = await import('@electric-sql/pglite')
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
  const { drizzle } = await import('drizzle-orm/pglite')
  const { migrate } = await import('drizzle-orm/pglite/migrator')
  await mkdir(opts.pgliteDir, { recursive: true })
  // Extensions must be passed every time the data dir is opened, not only when it is created.
  const client = await PGlite.create({ dataDir: opts.pgliteDir, extensions: { pg_trgm } })
  const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as Database
  return {
    db,
    mode: 'pglite',
    async migrate(folder = findMigrationsFolder()) {
      await migrate(db as never, { migrationsFolder: folder })
    },
    close: () => client.close()
  }
}

export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`)
}
