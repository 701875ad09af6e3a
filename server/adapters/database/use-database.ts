import { sql } from 'drizzle-orm'
import { useConfig } from '../../platform/config'
import type { Database, DatabaseHandle } from './database'
import { findMigrationsFolder } from './migrations'

/** Opens Postgres when a URL is given, else the file-backed PGlite: the one place a database mode is chosen. */
export async function openDatabase(opts: { url?: string, pgliteDir: string, poolSize?: number, prepare?: boolean }): Promise<DatabaseHandle> {
  // Loaded on demand: a Postgres deployment never loads PGlite's WASM, and the reverse.
  if (opts.url) return (await import('./postgres')).openPostgres(opts.url, opts.poolSize, opts.prepare)
  return (await import('./pglite')).openPglite(opts.pgliteDir)
}

let opening: Promise<DatabaseHandle> | undefined

/** The process's database handle, opened and migrated once (server/plugins/boot.ts starts it at boot). */
export function useDatabaseHandle(): Promise<DatabaseHandle> {
  opening ??= (async () => {
    const config = useConfig()
    const handle = await openDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir, prepare: config.databasePrepare })
    await handle.migrate(findMigrationsFolder(config.migrationsDir))
    return handle
  })()
  return opening
}

export async function useDb(): Promise<Database> {
  return (await useDatabaseHandle()).db
}

/**
 * A hot query built once per database handle (and so prepared once per pooled connection when it ends in
 * Drizzle's `.prepare(name)`): `const byId = preparedQuery(db => db.select()…prepare('by_id'))`, then
 * `(await byId()).execute({ … })`. Tests that reopen the database get a fresh one.
 */
export function preparedQuery<Query>(build: (db: Database) => Query): () => Promise<Query> {
  const built = new WeakMap<Database, Query>()
  return async () => {
    const db = await useDb()
    let query = built.get(db)
    if (!query) built.set(db, query = build(db))
    return query
  }
}

export async function closeDatabase(): Promise<void> {
  if (!opening) return
  const handle = await opening
  opening = undefined
  await handle.close()
}

export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`)
}

let startup: Promise<void> | undefined

/** Boot work (migrate + seed) that readiness waits for; set once by server/plugins/boot.ts. */
export function setStartup(work: Promise<void>) {
  startup = work
}

export function awaitStartup(): Promise<void> {
  return startup ?? useDatabaseHandle().then(() => {})
}
