import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import postgres from 'postgres'
import { Redis } from 'ioredis'

/** Clock ticks per second for /proc/<pid>/stat utime and stime (proc(5)); 100 on every Linux we run on. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** utime+stime of one process in seconds, or undefined once it is gone. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK
  } catch {
    return undefined
  }
}

export function rssBytesOf(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

export interface ProbeSample {
  cpuSeconds: number | null
  rssBytes: number | null
  /** CPU seconds per Postgres backend pid, so a phase counts backends that opened during it from zero. */
  dbCpu: Map<number, number> | null
  dbStats: DbStats | null
  redisCpuSeconds: number | null
}

/** Counters of pg_stat_database for the app's database: with `acked` they give statements and rows per send. */
export interface DbStats { commits: number, rollbacks: number, rowsReturned: number, rowsFetched: number, rowsInserted: number, rowsUpdated: number }

/**
 * What the server side costs: the app processes (CPU and RSS from /proc), the Postgres backends serving the
 * app's database (their /proc CPU; connections that close mid-phase are missed) and the Redis server (INFO cpu;
 * the whole server, so other tenants of a shared Redis count too). Each part is null when it cannot be read.
 */
export class ServerProbe {
  private sql?: postgres.Sql
  private redis?: Redis

  constructor(readonly pids: number[], databaseUrl?: string, redisUrl?: string) {
    if (databaseUrl) this.sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
    if (redisUrl) {
      this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true })
      this.redis.on('error', () => {})
    }
  }

  private async dbCpu(): Promise<Map<number, number> | null> {
    if (!this.sql) return null
    try {
      const rows = await this.sql<Array<{ pid: number }>>`
        select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`
      const byPid = new Map<number, number>()
      for (const { pid } of rows) {
        const cpu = cpuSecondsOf(pid)
        if (cpu !== undefined) byPid.set(pid, cpu)
      }
      // Postgres on another host: its pids mean nothing here.
      return byPid.size || rows.length === 0 ? byPid : null
    } catch {
      return null
    }
  }

  private async dbStats(): Promise<DbStats | null> {
    if (!this.sql) return null
    try {
      // Backends report their counters when they go idle (at most once a second): good enough per phase.
      const [row] = await this.sql<DbStats[]>`
        select xact_commit::float8 as commits, xact_rollback::float8 as rollbacks, tup_returned::float8 as "rowsReturned",
          tup_fetched::float8 as "rowsFetched", tup_inserted::float8 as "rowsInserted", tup_updated::float8 as "rowsUpdated"
        from pg_stat_database where datname = current_database()`
      return row ? { ...row } : null
    } catch {
      return null
    }
  }

  private async redisCpu(): Promise<number | null> {
    if (!this.redis) return null
    try {
      const info = await this.redis.info('cpu')
      const read = (key: string) => Number(new RegExp(`^${key}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN)
      const total = read('used_cpu_user') + read('used_cpu_sys')
      return Number.isFinite(total) ? total : null
    } catch {
      return null
    }
  }

  async sample(): Promise<ProbeSample> {
    const cpu = this.pids.map(cpuSecondsOf)
    const rss = this.pids.map(rssBytesOf)
    const known = <T>(xs: Array<T | undefined>): xs is T[] => xs.length > 0 && xs.every(x => x !== undefined)
    return {
      cpuSeconds: known(cpu) ? cpu.reduce((a, b) => a + b, 0) : null,
      rssBytes: known(rss) ? rss.reduce((a, b) => a + b, 0) : null,
      dbCpu: await this.dbCpu(),
      dbStats: await this.dbStats(),
      redisCpuSeconds: await this.redisCpu()
    }
  }

  /** Samples RSS every `everyMs` in the background so a phase can report its peak. */
  watchPeak(everyMs = 200): () => number | null {
    let peak: number | null = null
    const tick = () => {
      const rss = this.pids.map(rssBytesOf)
      if (rss.length && rss.every(r => r !== undefined)) peak = Math.max(peak ?? 0, rss.reduce((a, b) => a! + b!, 0)!)
    }
    tick()
    const timer = setInterval(tick, everyMs)
    return () => {
      clearInterval(timer)
      tick()
      return peak
    }
  }

  async close() {
    await this.sql?.end({ timeout: 2 }).catch(() => {})
    this.redis?.disconnect()
  }
}
