import { awaitStartup, pingDatabase } from '#server/adapters/database/use-database'

/** Liveness and readiness for load balancers: 200 once the database is migrated and answering. */
export default defineEventHandler(async () => {
  try {
    await awaitStartup()
    const handle = await useDatabaseHandle()
    await pingDatabase(handle.db)
    return { ok: true, database: handle.mode }
  } catch {
    throw apiError('unavailable', 'Database unavailable')
  }
})
