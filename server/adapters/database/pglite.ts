import { mkdir } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import * as schema from '../../db/schema'
import type { Database, DatabaseHandle } from './database'
import { createPGliteExecuteSql } from './execute-sql'
import { findMigrationsFolder } from './migrations'

/** PGlite (Postgres in WASM) in a data dir: the embedded default. One process per dir, never two. */
export async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  await mkdir(dataDir, { recursive: true })
  // Extensions must be passed every time the data dir is opened, not only when it is created.
  const client = await PGlite.create({ dataDir, extensions: { pg_trgm } })
  const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as Database
  return {
    db,
    mode: 'pglite',
    async migrate(folder = findMigrationsFolder()) {
      await migrate(db as never, { migrationsFolder: folder })
    },
    executeSql: createPGliteExecuteSql(client),
    hotQuery: (text, values) => client.query<Record<string, unknown>>(text, values),
    close: () => client.close()
  }
}
