import { closeDatabase, setStartup, useDatabaseHandle } from '../adapters/database/use-database'
import { closeBus } from '../adapters/bus/use-bus'
import { closeRedis } from '../adapters/redis-connection'
import { refreshAnalytics } from '../domain/analytics/refresh'
import { pruneEvents } from '../domain/events/prune'
import { SCAN_JOB } from '../domain/files/files'
import { scanFile, sweepFiles } from '../domain/files/scan'
import { useConfig } from '../platform/config'
import { publicOrigin } from '../platform/origins'
import { isApiError } from '../platform/errors'
import { createPgBossRunner } from '../platform/jobs/pg-boss'
import { setJobRunner, useJobs } from '../platform/jobs/use-jobs'
import { useLogger } from '../platform/logger'
import { startSweeper } from '../realtime/sweeper'
import { seedOnStart } from '../seed'

/**
 * Boot: open and migrate the database (not on the first request), seed, then start the job runner on the same
 * connection with the schedules every instance shares. Shutdown stops jobs before closing the database, so
 * PGlite flushes its files.
 */
export default defineNitroPlugin((nitroApp) => {
  const config = useConfig()
  const log = useLogger()
  if (config.rateLimitsOff) log.warn('RATE_LIMITS=off: per-user and per-IP request rate limits are disabled')
  if (config.production && config.databaseUrl && !config.publicUrl) {
    log.error(`PUBLIC_URL is not set: invite and sign-up links point at ${publicOrigin()}; set it to the address people use`)
  }
  const jobLog = log.child({ component: 'jobs' })
  const work = useDatabaseHandle().then(async (handle) => {
    await seedOnStart(handle.db, handle.mode)
    const jobs = createPgBossRunner({
      executeSql: handle.executeSql,
      log: { info: (m, detail) => jobLog.info(m, { detail }), warn: (m, detail) => jobLog.warn(m, { detail }), error: (m, detail) => jobLog.error(m, { error: detail }) }
    })
    // Event retention, once per interval across all instances: feeds older than the cutoff answer `reset`.
    jobs.every('events.prune', config.eventPruneIntervalSeconds, async () => {
      await pruneEvents(handle.db, new Date(Date.now() - config.eventRetentionSeconds * 1000))
    })
    // Analytics views, once per interval across all instances; a refresh an admin started is as good as this one.
    jobs.every('analytics.refresh', config.analytics.refreshSeconds, async () => {
      await refreshAnalytics('schedule').catch((error) => {
        if (!isApiError(error) || error.data.code !== 'conflict') throw error
      })
    })
    // Attachments: one scan job per completed file (retried with back-off while clamd is down), and a sweep.
    jobs.define<{ fileId: string }>(SCAN_JOB, data => scanFile(data.fileId), {
      retryLimit: 5, retryDelaySeconds: 2, retryBackoff: true, expireInSeconds: 300, concurrency: config.files.scanConcurrency, policy: 'stately'
    })
    jobs.every('files.sweep', config.files.sweepSeconds, async () => {
      await sweepFiles(new Date(), { graceSeconds: config.files.uploadGraceSeconds, rescanAfterSeconds: config.files.rescanAfterSeconds })
    })
    await jobs.start()
    setJobRunner(jobs)
  })
  setStartup(work)
  work.catch((error) => {
    // Fail fast: a server that cannot migrate must not keep answering; the supervisor restarts it.
    log.error('start-up failed', { error })
    process.exit(1)
  })
  const stopSweeper = startSweeper()
  nitroApp.hooks.hook('close', async () => {
    stopSweeper()
    await work.then(() => useJobs().stop()).catch(() => {})
    await closeDatabase()
    await closeBus()
    await closeRedis()
  })
})
