/**
 * Opens and migrates the database at boot (not on the first request), then seeds the embedded default.
 * Shutdown closes it so PGlite flushes its files.
 */
export default defineNitroPlugin((nitroApp) => {
  const config = useConfig()
  if (config.rateLimitsOff) console.warn('[switchboard] RATE_LIMITS=off: per-user and per-IP request rate limits are disabled')
  const work = useDatabaseHandle().then(handle => seedOnStart(handle.db, handle.mode))
  setStartup(work)
  work.catch((error) => {
    console.error('[switchboard] database start-up failed:', error)
    process.exitCode = 1
  })
  nitroApp.hooks.hook('close', async () => {
    await closeDatabase()
    await closeRedis()
  })
})
