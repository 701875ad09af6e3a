import type { ExecuteSql, JobInfo, JobState, ListOptions } from './runner'

/** Jobs from pg-boss's job table, newest first, without its internal queues. */
export async function listJobs(executeSql: ExecuteSql, schema: string, options: ListOptions): Promise<JobInfo[]> {
  const { rows } = await executeSql(listJobsSql(schema), [options.name ?? null, options.state ?? null, options.limit ?? 100])
  return rows.map(toJobInfo)
}

// pg-boss stores a failure as the serialized Error, and a timeout as { value: { message } }.
function listJobsSql(schema: string): string {
  return `
    SELECT id, name, state::text AS state, retry_count AS "retryCount", retry_limit AS "retryLimit",
      created_on AS "createdOn", start_after AS "startAfter", started_on AS "startedOn", completed_on AS "completedOn",
      CASE WHEN state IN ('retry', 'failed') THEN COALESCE(output->>'message', output->'value'->>'message') END AS error
    FROM ${schema}.job
    WHERE name NOT LIKE '\\_\\_pgboss\\_\\_%' AND ($1::text IS NULL OR name = $1) AND ($2::text IS NULL OR state::text = $2)
    ORDER BY created_on DESC, id
    LIMIT $3::int`
}

function toJobInfo(row: Record<string, unknown>): JobInfo {
  const toDate = (value: unknown) => value == null ? null : new Date(value as string | Date)
  return {
    id: String(row.id),
    name: String(row.name),
    state: row.state as JobState,
    retryCount: Number(row.retryCount),
    retryLimit: Number(row.retryLimit),
    createdOn: toDate(row.createdOn)!,
    startAfter: toDate(row.startAfter)!,
    startedOn: toDate(row.startedOn),
    completedOn: toDate(row.completedOn),
    error: row.error == null ? null : String(row.error)
  }
}
