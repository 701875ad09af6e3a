import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { summarize } from './stats'
import type { LatencySummary } from './stats'

const run = promisify(execFile)

export interface PgbenchRun {
  mode: 'prepared' | 'extended' | 'simple'
  clients: number
  transactions: number
  /** What pgbench printed: `latency average` and `tps` (without the initial connection time). */
  reportedLatencyAverageMs: number | null
  tps: number | null
  /** Nearest-rank percentiles over every transaction of the `-l` log (its third column, in microseconds). */
  latencyMs: LatencySummary | null
  script: string
}

export interface Statement { text: string, params: unknown[] }

/**
 * A pgbench script of statements run one after another (each its own autocommit, as the app sends them): `$n` of
 * statement k becomes `:skpn`, each value is passed with `-D skpn=…`, so under `-M prepared` pgbench sends the
 * statement text unchanged with the values as parameters, as the app does.
 */
export function pgbenchScript(statements: Statement[]) {
  const script = statements.map((s, k) => `${s.text.replace(/\$(\d+)/g, `:s${k}p$1`)};\n`).join('')
  const defines = statements.flatMap((s, k) => s.params.flatMap((value, i) => ['-D', `s${k}p${i + 1}=${String(value)}`]))
  return { script, defines }
}

/** What pgbench printed of a run: `tps` (without the initial connection time) and `latency average`. */
export interface PgbenchReport { stdout: string, tps: number | null, latencyAverageMs: number | null }

/**
 * Runs pgbench with `args` (everything but the connection) against a postgres:// URL, its password passed in
 * PGPASSWORD; throws when pgbench fails or reports failed transactions (an aborted client makes it exit non-zero).
 */
export async function execPgbench(databaseUrl: string, args: string[]): Promise<PgbenchReport> {
  const url = new URL(databaseUrl)
  const connection = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres'), url.pathname.slice(1)]
  const { stdout } = await run('pgbench', [...args, ...connection], { env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) }, maxBuffer: 16 * 2 ** 20 })
  const number = (pattern: RegExp) => {
    const match = pattern.exec(stdout)
    return match ? Number(match[1]) : null
  }
  const failed = number(/number of failed transactions: (\d+)/)
  if (failed) throw new Error(`pgbench: ${failed} failed transactions\n${stdout}`)
  return { stdout, tps: number(/tps = ([\d.]+) \(without initial connection time\)/), latencyAverageMs: number(/latency average = ([\d.]+) ms/) }
}

/**
 * Runs `clients` × `perClient` runs of the script (pgbench's transactions) on one pgbench thread and reads every latency from its log;
 * `samples` (ms) are for pooling runs and are left out of reports.
 */
export async function runPgbench(databaseUrl: string, statements: Statement[], options: { clients: number, perClient: number, mode: PgbenchRun['mode'] }): Promise<PgbenchRun & { samples: number[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-pgbench-'))
  try {
    const { script, defines } = pgbenchScript(statements)
    await writeFile(join(dir, 'script.sql'), script)
    // -n: no vacuum of pgbench's own tables (there are none); -j 1: one client thread, like the bench's one event loop.
    const report = await execPgbench(databaseUrl, ['-n', '-M', options.mode, '-c', String(options.clients), '-j', '1', '-t', String(options.perClient),
      '-f', join(dir, 'script.sql'), ...defines, '-l', `--log-prefix=${join(dir, 'tx')}`])
    const samples: number[] = []
    for (const file of (await readdir(dir)).filter(f => f.startsWith('tx.'))) {
      for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
        const micros = Number(line.split(' ')[2])
        if (line && Number.isFinite(micros)) samples.push(micros / 1000)
      }
    }
    return {
      mode: options.mode,
      clients: options.clients,
      transactions: samples.length,
      reportedLatencyAverageMs: report.latencyAverageMs,
      tps: report.tps,
      latencyMs: summarize(samples),
      script,
      samples
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
