import type { DbStats, ServerProbe } from './probes'

export interface ServerCost {
  wallSeconds: number
  appCpuSeconds: number | null
  /** appCpuSeconds / wallSeconds: 1.0 is one core fully busy. */
  appCpuCores: number | null
  dbCpuSeconds: number | null
  /** pg_stat_database deltas: every autocommit statement and every transaction counts as one commit. */
  db: DbStats | null
  redisCpuSeconds: number | null
  benchCpuSeconds: number
  rssStartMiB: number | null
  rssEndMiB: number | null
  rssPeakMiB: number | null
}

const mib = (bytes: number | null) => (bytes === null ? null : Math.round(bytes / 1048576 * 10) / 10)
const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round((b - a) * 100) / 100)

function dbDelta(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null
  let total = 0
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0)
  return Math.round(total * 100) / 100
}

function statsDelta(before: DbStats, after: DbStats): DbStats {
  const out = { ...after }
  for (const key of Object.keys(out) as Array<keyof DbStats>) out[key] = after[key] - before[key]
  return out
}

/** Starts measuring a phase; the returned function ends it and reports what the server spent. */
export async function measure(probe: ServerProbe): Promise<() => Promise<ServerCost>> {
  const startedAt = performance.now()
  const benchStart = process.cpuUsage()
  const before = await probe.sample()
  const stopPeak = probe.watchPeak()
  return async () => {
    const after = await probe.sample()
    const wallSeconds = (performance.now() - startedAt) / 1000
    const bench = process.cpuUsage(benchStart)
    const appCpuSeconds = diff(before.cpuSeconds, after.cpuSeconds)
    return {
      wallSeconds: Math.round(wallSeconds * 100) / 100,
      appCpuSeconds,
      appCpuCores: appCpuSeconds === null ? null : Math.round(appCpuSeconds / wallSeconds * 100) / 100,
      dbCpuSeconds: dbDelta(before.dbCpu, after.dbCpu),
      db: before.dbStats && after.dbStats ? statsDelta(before.dbStats, after.dbStats) : null,
      redisCpuSeconds: diff(before.redisCpuSeconds, after.redisCpuSeconds),
      benchCpuSeconds: Math.round((bench.user + bench.system) / 1e4) / 100,
      rssStartMiB: mib(before.rssBytes),
      rssEndMiB: mib(after.rssBytes),
      rssPeakMiB: mib(stopPeak())
    }
  }
}

export interface PerOp { appCpuMs: number | null, dbCpuMs: number | null, dbCommits: number | null, dbRowsReturned: number | null }

/** A phase's cost divided by what it did (acked sends): comparable across runs even on a busy machine. */
export function perOp(cost: ServerCost, ops: number): PerOp {
  const per = (v: number | null | undefined, scale = 1) => (v === null || v === undefined || ops === 0 ? null : Math.round(v * scale / ops * 100) / 100)
  return {
    appCpuMs: per(cost.appCpuSeconds, 1000),
    dbCpuMs: per(cost.dbCpuSeconds, 1000),
    dbCommits: per(cost.db?.commits),
    dbRowsReturned: per(cost.db?.rowsReturned)
  }
}
