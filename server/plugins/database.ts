import { closeDatabase, setStartup, useDatabaseHandle } from '../adapters/database/use-database'
import { closeBus } from '../adapters/bus/use-bus'
import { closeRedis } from '../adapters/redis-connection'
import { seedOnStart } from '../seed'
import { pruneEvents } from '../domain/events/prune'
import { useConfig } from '../platform/config'
import { useLogger } from '../platform/logger'

import { startSweeper } from '../realtime/sweeper'

/**
 * Opens and migrates the database at boot (not on the first request), then seeds the embedded default.
 * Shutdown closes it so PGlite flushes its files.
 */
export default defineNitroPlugin((nitroApp) => {
  const config = useConfig()
  const log = useLogger()
  if (config.rateLimitsOff) log.warn('RATE_LIMITS=off: per-user and per-IP request rate limits are disabled')
  const work = useDatabaseHandle().then(handle => seedOnStart(handle.db, handle.mode))
  setStartup(work)
  work.catch((error) => {
    // Fail fast: a server that cannot migrate must not keep answering; the supervisor restarts it.
    log.error('database start-up failed', { error })
    process.exit(1)
  })
  // Event retention: events older than EVENT_RETENTION_SECONDS are pruned; feeds older than that answer `reset`.
  const pruner = setInterval(() => {
    useDatabaseHandle()
      .then(handle => pruneEvents(handle.db, new Date(Date.now() - config.eventRetentionSeconds * 1000)))
      .catch(error => log.warn('event pruning failed', { error }))
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
