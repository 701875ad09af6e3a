import type { Database, DatabaseHandle } from '../db/client'
import { openDatabase } from '../db/client'
import { useConfig } from './config'

let opening: Promise<DatabaseHandle> | undefined

/** The process's database handle, opened and migrated once (server/plugins/database.ts starts it at boot). */
export function useDatabaseHandle(): Promise<DatabaseHandle> {
  opening ??= (async () => {
    const config = useConfig()
    const handle = await openDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir })
    await handle.migrate()
    return handle
  })()
  return opening
}

export async function useDb(): Promise<Database> {
  return (await useDatabaseHandle()).db
}

export async function closeDatabase(): Promise<void> {
  if (!opening) return
  const handle = await opening
  opening = undefined
  await handle.close()
}

let startup: Promise<void> | undefined

/** Boot work (migrate + seed) that readiness waits for; set once by server/plugins/database.ts. */
export function setStartup(work: Promise<void>) {
  startup = work
}
export function awaitStartup(): Promise<void> {
  return startup ?? useDatabaseHandle().then(() => {})
}
