import PgBoss from 'pg-boss'
import { listJobs } from './list-jobs'
import type { DefineOptions, ExecuteSql, JobHandler, JobLog, JobRunner } from './runner'
import { startWorker, stopWorkers } from './worker'
import type { Worker } from './worker'

export interface PgBossRunnerOptions {
  executeSql: ExecuteSql
  /** Schema of pg-boss's tables, created on start; never public. */
  schema?: string
  /** How often an idle worker looks for jobs queued by other instances; jobs queued here wake it at once. */
  pollingIntervalSeconds?: number
  /** How often one instance (whichever claims the slot) expires stuck jobs and archives finished ones. */
  maintenanceIntervalSeconds?: number
  /** How long stop() waits for running handlers before leaving them to expire and be retried. */
  stopTimeoutSeconds?: number
  log: JobLog
}

interface Queue {
  name: string
  handler: JobHandler<object>
  options: Required<DefineOptions>
  intervalSeconds?: number
}

const DEFAULTS: Required<DefineOptions> = {
  retryLimit: 2, retryDelaySeconds: 1, retryBackoff: true, expireInSeconds: 900, concurrency: 1, policy: 'standard'
}
// pg-boss refuses throttle windows longer than its archive delay (12 hours by default).
const MAX_INTERVAL_SECONDS = 12 * 60 * 60

/** A JobRunner on pg-boss 10 over the app's own connection: Postgres (postgres.js) or PGlite. */
export function createPgBossRunner(options: PgBossRunnerOptions): JobRunner {
  const schema = options.schema ?? 'switchboard_jobs'
  if (schema === 'public') throw new Error('the job runner needs a schema of its own')
  const log = options.log
  const pollingIntervalMs = (options.pollingIntervalSeconds ?? 2) * 1000
  const queues = new Map<string, Queue>()
  const workers = new Map<string, Worker>()
  const tickers: ReturnType<typeof setInterval>[] = []
  const ensured = new Set<string>()
  const pending = new Set<Promise<unknown>>()
  let boss: PgBoss | undefined

  // Every query is tracked so stop() can wait for stragglers before the caller closes the connection.
  const executeSql: ExecuteSql = (text, values) => {
    const query = options.executeSql(text, values)
    const forget = () => pending.delete(query)
    pending.add(query)
    query.then(forget, forget)
    return query
  }

  function requireBoss(): PgBoss {
    if (!boss) throw new Error('the job runner is not started')
    return boss
  }

  async function ensureQueue(b: PgBoss, name: string, queue?: Queue): Promise<void> {
    if (ensured.has(name)) return
    const settings = queue && {
      name,
      policy: queue.options.policy,
      retryLimit: queue.options.retryLimit,
      retryDelay: queue.options.retryDelaySeconds,
      retryBackoff: queue.options.retryBackoff,
      expireInSeconds: queue.options.expireInSeconds
    }
    if (!await b.getQueue(name)) await createQueue(b, name, settings)
    // createQueue keeps an existing queue as it was: apply the settings this release defines.
    if (settings) await b.updateQueue(name, settings)
    ensured.add(name)
  }

  async function activate(b: PgBoss, queue: Queue): Promise<void> {
    await ensureQueue(b, queue.name, queue)
    if (boss !== b) return
    const { name, handler, options: { concurrency } } = queue
    workers.set(name, startWorker({ boss: b, name, handler, concurrency, pollingIntervalMs, log }))
    if (queue.intervalSeconds) tickers.push(startTicker(b, name, queue.intervalSeconds))
  }

  // Every instance proposes a job for the current slot; the unique index on (name, slot) keeps one, and the
  // stately policy keeps a slow run from overlapping the next one. Timers only propose, never run the work.
  function startTicker(b: PgBoss, name: string, intervalSeconds: number): ReturnType<typeof setInterval> {
    const propose = () => {
      b.sendThrottled(name, {}, {}, intervalSeconds)
        .then(id => id && workers.get(name)?.wake())
        .catch(err => log.error(`could not schedule ${name}`, err))
    }
    propose()
    return setInterval(propose, Math.min(intervalSeconds * 500, 30_000))
  }

  function register(queue: Queue): void {
    if (queues.has(queue.name)) throw new Error(`job ${queue.name} is already defined`)
    queues.set(queue.name, queue)
    if (boss) activate(boss, queue).catch(err => log.error(`could not start job ${queue.name}`, err))
  }

  async function open(): Promise<void> {
    const b = new PgBoss({
      db: { executeSql },
      schema,
      schedule: false, // cron's one-minute granularity is too coarse: every() throttles sends instead
      supervise: true,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 120
    })
    b.on('error', err => log.error('job runner error', err))
    await b.start()
    boss = b
    ensured.clear()
    try {
      for (const queue of queues.values()) await activate(b, queue)
    } catch (err) {
      await close()
      throw err
    }
    log.info(`job runner started (schema ${schema}, queues ${[...queues.keys()].join(', ') || 'none'})`)
  }

  async function close(): Promise<void> {
    const b = boss
    if (!b) return
    boss = undefined
    for (const ticker of tickers.splice(0)) clearInterval(ticker)
    const stopping = [...workers.values()]
    workers.clear()
    if (!await stopWorkers(stopping, (options.stopTimeoutSeconds ?? 30) * 1000)) log.warn('job handlers still running at stop')
    await b.stop({ graceful: false, close: false })
    await Promise.allSettled([...pending])
  }

  let starting: Promise<void> | undefined
  return {
    start() {
      starting ??= open().catch((err) => {
        starting = undefined
        throw err
      })
      return starting
    },

    async stop() {
      await starting?.catch(() => {})
      starting = undefined
      await close()
    },

    define(name, handler, defineOptions) {
      register({ name, handler: handler as JobHandler<object>, options: { ...DEFAULTS, ...defineOptions } })
    },

    every(name, intervalSeconds, handler) {
      if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > MAX_INTERVAL_SECONDS) {
        throw new Error(`every(${name}): the interval must be a whole number of seconds from 1 to ${MAX_INTERVAL_SECONDS}`)
      }
      // No retries: the next slot is the retry. A run left by a dead instance expires so later slots can run.
      const expireInSeconds = Math.max(60, intervalSeconds)
      const options = { ...DEFAULTS, retryLimit: 0, retryBackoff: false, policy: 'stately' as const, expireInSeconds }
      register({ name, handler: () => handler(), options, intervalSeconds })
    },

    async enqueue(name, data, enqueueOptions = {}) {
      const b = requireBoss()
      await ensureQueue(b, name, queues.get(name))
      const { singletonKey, singletonSeconds, startAfterSeconds } = enqueueOptions
      const id = await b.send(name, data, { singletonKey, singletonSeconds, startAfter: startAfterSeconds })
      if (id && !startAfterSeconds) workers.get(name)?.wake()
      return id
    },

    // Works whenever the schema exists, so a stopped runner can still report what it left behind.
    list(listOptions = {}) {
      return listJobs(executeSql, schema, listOptions)
    }
  }
}

// Two instances creating one queue at once deadlock inside pg-boss's create_queue() (each holds a lock on the
// queue table that the other's ALTER TABLE needs); Postgres aborts one, whose retry finds the queue made.
async function createQueue(b: PgBoss, name: string, settings: PgBoss.Queue | undefined, attempts = 3): Promise<void> {
  try {
    await b.createQueue(name, settings)
  } catch (err) {
    if ((err as { code?: string }).code !== '40P01' || attempts <= 1) throw err
    await createQueue(b, name, settings, attempts - 1)
  }
}
