import postgres from 'postgres'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import * as schema from '../../db/schema'
import type { Database, DatabaseHandle } from './database'
import { createPostgresExecuteSql } from './execute-sql'
import { findMigrationsFolder } from './migrations'

// Any constant works; it only has to be the same in every instance so concurrent start-ups migrate one at a time.
const MIGRATION_LOCK_KEY = 7_411_902_553

/** Postgres through a postgres.js pool (DATABASE_URL; Supabase Postgres in production). */
export function openPostgres(url: string, poolSize = 10, prepare = true): DatabaseHandle {
  // `prepare` only allows them: Drizzle prepares just the queries built with .prepare() (the hot ones).
  const client = postgres(url, { max: poolSize, prepare, onnotice: () => {} })
  const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as Database
  // Raw SQL gets a small pool of its own: Drizzle replaces the pool's type serializers (json and dates pass
  // through untouched), which a library sending plain objects as parameters (pg-boss) does not expect.
  let raw: { sql: postgres.Sql, run: DatabaseHandle['executeSql'] } | undefined
  const rawSql = () => {
    if (!raw) {
      const sql = postgres(url, { max: 2, onnotice: () => {} })
      raw = { sql, run: createPostgresExecuteSql(sql) }
    }
    return raw
  }
  return {
    db,
    mode: 'postgres',
    async migrate(folder = findMigrationsFolder()) {
      // One connection, so the advisory lock and the migration share a session.
      const single = postgres(url, { max: 1, onnotice: () => {} })
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`
        await migrate(drizzle(single, { casing: 'snake_case' }), { migrationsFolder: folder })
      } finally {
        await single.end({ timeout: 5 })
      }
    },
    executeSql: (text, values) => rawSql().run(text, values),
    hotQuery: async (text, values) => ({ rows: [...await client.unsafe(text, values as never[], { prepare })] as Record<string, unknown>[] }),
    async close() {
      await Promise.all([client.end({ timeout: 5 }), raw?.sql.end({ timeout: 5 })])
    }
  }
}
