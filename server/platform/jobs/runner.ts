/** pg-boss's job states, in its order: created → active → completed, or retry → … → failed. */
export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed'

/**
 * How a queue treats singletonKey (pg-boss 10 unique indexes job_i1–job_i3 in src/plans.js): standard ignores it
 * unless singletonSeconds is given; short keeps one queued job per key; singleton runs one job per key at a time;
 * stately keeps at most one queued, one retrying and one running job per key.
 */
export type QueuePolicy = 'standard' | 'short' | 'singleton' | 'stately'

/** Runs one SQL text with $1… parameters on the app's own connection; texts without values may hold several statements. */
export type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>

export interface JobLog {
  info(message: string, detail?: unknown): void
  warn(message: string, detail?: unknown): void
  error(message: string, detail?: unknown): void
}

export interface DefineOptions {
  /** Retries after the first failure (default 2). */
  retryLimit?: number
  /** Delay before a retry; with retryBackoff it doubles per attempt, with jitter (default 1). */
  retryDelaySeconds?: number
  retryBackoff?: boolean
  /** A run that takes longer fails and is retried (default 15 minutes). */
  expireInSeconds?: number
  /** Jobs of this queue run at once in this instance (default 1). */
  concurrency?: number
  policy?: QueuePolicy
}

export interface EnqueueOptions {
  singletonKey?: string
  /** With singletonKey (or alone): at most one job per key per window of this many seconds. */
  singletonSeconds?: number
  startAfterSeconds?: number
}

export interface ListOptions {
  name?: string
  state?: JobState
  limit?: number
}

export interface JobInfo {
  id: string
  name: string
  state: JobState
  retryCount: number
  retryLimit: number
  createdOn: Date
  startAfter: Date
  startedOn: Date | null
  completedOn: Date | null
  /** The last failure's message, for jobs in retry or failed. */
  error: string | null
}

export type JobHandler<T> = (data: T) => Promise<void>

export interface JobRunner {
  /** Installs or migrates the job schema, then starts the workers and schedules defined so far. */
  start(): Promise<void>
  /** Stops polling and waits for running handlers and queries to finish. */
  stop(): Promise<void>
  define<T extends object>(name: string, handler: JobHandler<T>, options?: DefineOptions): void
  /** Returns the job id, or null when a singleton rule dropped it. */
  enqueue<T extends object>(name: string, data: T, options?: EnqueueOptions): Promise<string | null>
  /** Runs handler once per interval slot across every instance sharing the database. */
  every(name: string, intervalSeconds: number, handler: () => Promise<void>): void
  /** Newest first; jobs are archived (and leave this list) 12 hours after they finish. Needs start() once. */
  list(options?: ListOptions): Promise<JobInfo[]>
}
