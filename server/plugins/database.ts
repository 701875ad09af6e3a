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
    // Fail fast: a server that cannot migrate must not keep answering; the supervisor restarts it.
    console.error('[switchboard] database start-up failed:', error)
    process.exit(1)
  })
  // Event retention: events older than EVENT_RETENTION_SECONDS are pruned; feeds older than that answer `reset`.
  const pruner = setInterval(() => {
    useDatabaseHandle()
      .then(handle => pruneEvents(handle.db, new Date(Date.now() - config.eventRetentionSeconds * 1000)))
      .catch(error => console.warn('[switchboard] event pruning failed:', (error as Error).message))
  }, Math.max(1, config.eventPruneIntervalSeconds) * 1000)
  pruner.unref()
  const stopSweeper = startSweeper()
  nitroApp.hooks.hook('close', async () => {
    clearInterval(pruner)
    stopSweeper()
    await closeDatabase()
    await closeBus()
    await closeRedis()
  })
})
