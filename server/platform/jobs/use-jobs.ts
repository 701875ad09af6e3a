import type { JobRunner } from './runner'

let runner: JobRunner | undefined

/** Set once at boot (server/plugins/jobs.ts), over the database the app already opened. */
export function setJobRunner(value: JobRunner | undefined) {
  runner = value
}

/** The process's job runner: enqueue work (scans, thumbnails, notifications) and list jobs with their state. */
export function useJobs(): JobRunner {
  if (!runner) throw new Error('the job runner is not started yet')
  return runner
}
