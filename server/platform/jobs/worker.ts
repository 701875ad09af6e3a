import type PgBoss from 'pg-boss'
import type { JobHandler, JobLog } from './runner'

export interface Worker {
  /** Skips the rest of the idle wait: this instance just queued a job. */
  wake(): void
  /** Resolves when the loop has ended and its running jobs have been completed or failed. */
  stop(): Promise<void>
}

interface WorkerOptions {
  boss: PgBoss
  name: string
  handler: JobHandler<object>
  concurrency: number
  pollingIntervalMs: number
  log: JobLog
}

// Our own loop over pg-boss's fetch/complete/fail rather than boss.work(): pg-boss 10 waits a full polling
// interval after every batch, even when more jobs wait, and fails a whole batch when one job in it fails.
/** Starts claiming and running jobs of one queue. */
export function startWorker(options: WorkerOptions): Worker {
  const { boss, name, log } = options
  let stopping = false
  let woken = false
  let endRest: (() => void) | undefined

  function rest(): Promise<void> {
    if (woken || stopping) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(done, options.pollingIntervalMs)
      function done() {
        clearTimeout(timer)
        endRest = undefined
        resolve()
      }
      endRest = done
    })
  }

  async function run(job: PgBoss.Job<object>): Promise<void> {
    try {
      await withinSeconds(options.handler(job.data), Number(job.expireInSeconds) || 900)
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err))
      log.warn(`job ${name} ${job.id} failed: ${error.message}`, error)
      await boss.fail(name, job.id, error).catch(e => log.error(`could not record the failure of job ${name} ${job.id}`, e))
      return
    }
    await boss.complete(name, job.id).catch(e => log.error(`could not complete job ${name} ${job.id}`, e))
  }

  const loop = (async () => {
    while (!stopping) {
      woken = false
      // pg-boss's fetch already swallows query errors (it expects only unique violations there).
      const jobs = await boss.fetch<object>(name, { batchSize: options.concurrency })
      if (jobs.length) await Promise.all(jobs.map(run))
      else await rest()
    }
  })().catch(err => log.error(`worker for ${name} stopped on an error`, err))

  return {
    wake() {
      woken = true
      endRest?.()
    },
    async stop() {
      stopping = true
      endRest?.()
      await loop
    }
  }
}

/** Stops workers; false when handlers were still running after timeoutMs (their jobs expire and are retried). */
export async function stopWorkers(workers: Worker[], timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  const stopped = Promise.all(workers.map(worker => worker.stop())).then(() => true as const)
  const done = await Promise.race([stopped, timeout])
  clearTimeout(timer)
  return done
}

// The job's row expires after the same time, so maintenance would retry it elsewhere anyway.
async function withinSeconds(work: Promise<void>, seconds: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`handler ran longer than ${seconds}s`)), seconds * 1000)
  })
  try {
    await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}
