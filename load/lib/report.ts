import { execFileSync } from 'node:child_process'
import { cpus, loadavg, totalmem } from 'node:os'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FanoutResult } from './scenario-fanout'
import type { IdleResult } from './scenario-idle'
import type { SendersResult } from './scenario-senders'
import type { LatencySummary } from './stats'
import type { PerOp } from './cost'

export interface RunResult {
  target: string
  instances: number
  setupSeconds: number
  idle?: IdleResult
  fanout?: FanoutResult[]
  senders?: SendersResult
  error?: string
}

export interface BenchReport {
  startedAt: string
  finishedAt: string
  commit: string | null
  host: { cpus: number, cpuModel: string, memoryGiB: number, node: string, loadAvgAtStart: number[], loadAvgAtEnd?: number[] }
  config: Record<string, unknown>
  /** The bench client runs on the same machine: its own CPU is reported per phase (benchCpuSeconds). */
  runs: RunResult[]
}

export const loadAverage = () => loadavg().map(l => Math.round(l * 100) / 100)

export function hostInfo(): BenchReport['host'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30 * 10) / 10,
    node: process.version,
    loadAvgAtStart: loadAverage()
  }
}

export function gitCommit(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    return dirty ? `${head}+dirty` : head
  } catch {
    return null
  }
}

/** Writes `<outDir>/<timestamp>.json` and `latest.json`, each through a .tmp file and a rename (never half-written). */
export async function writeReport(outDir: string, report: BenchReport): Promise<string> {
  await mkdir(outDir, { recursive: true })
  const text = `${JSON.stringify(report, null, 2)}\n`
  const file = join(outDir, `${report.startedAt.replace(/[:.]/g, '-')}.json`)
  for (const path of [file, join(outDir, 'latest.json')]) {
    await writeFile(`${path}.tmp`, text)
    await rename(`${path}.tmp`, path)
  }
  return file
}

const ms = (l: LatencySummary | null) => (l ? `p50 ${l.p50} / p95 ${l.p95} / p99 ${l.p99} / max ${l.max} ms` : 'n/a')
const num = (n: number | null, unit = '') => (n === null ? 'n/a' : `${n}${unit}`)
const costLine = (p: PerOp) => `app ${num(p.appCpuMs, ' ms')} CPU, db ${num(p.dbCpuMs, ' ms')} CPU, ${num(p.dbCommits)} db commits`

/** The few lines a person reads first; the JSON has everything. */
export function summaryLines(report: BenchReport): string[] {
  const lines: string[] = []
  for (const run of report.runs) {
    lines.push(`== ${run.target} (set-up ${run.setupSeconds} s)`)
    if (run.error) lines.push(`   FAILED: ${run.error}`)
    const idle = run.idle
    if (idle) {
      lines.push(`   idle: ${idle.opened}/${idle.sockets} sockets (${idle.users} users) in ${idle.connectWallMs} ms = ${idle.connectsPerSecond}/s; ready ${ms(idle.readyMs)}`)
      lines.push(`         RSS ${num(idle.connect.rssStartMiB)} → ${num(idle.connect.rssEndMiB)} MiB = ${num(idle.rssPerSocketKiB, ' KiB/socket')}; `
        + `per connect: ${costLine(idle.perConnect)}; hold ${idle.hold.wallSeconds} s CPU ${num(idle.hold.appCpuSeconds, ' s')} (${num(idle.hold.appCpuCores, ' cores')}; per second p50 ${num(idle.holdCoresPerSecond?.p50 ?? null)}, max ${num(idle.holdCoresPerSecond?.max ?? null)}); after close ${num(idle.rssAfterCloseMiB, ' MiB')}`)
      if (Object.keys(idle.failures).length) lines.push(`         failures: ${JSON.stringify(idle.failures)}`)
    }
    for (const f of run.fanout ?? []) {
      lines.push(`   fan-out ${f.members} members @ ${f.ratePerSecond}/s × ${f.seconds} s: acked ${f.acked}/${f.sent}, delivered ${f.deliveries}/${f.expectedDeliveries} (${f.deliveriesPerSecond}/s), gaps ${f.seqGaps}, dups ${f.seqDuplicates}, committed ${f.committed}`)
      lines.push(`         delivery ${ms(f.deliveryLatencyMs)}; ack ${ms(f.ackLatencyMs)}`)
      lines.push(`         app CPU ${num(f.server.appCpuCores, ' cores')} = ${num(f.deliveriesPerCoreSecond, ' deliveries per core-second')}; per send: ${costLine(f.perSend)}`)
    }
    const s = run.senders
    if (s) {
      lines.push(`   senders ${s.senders} × ${s.messagesPerSender} into ${s.conversations} conversations: ${s.ackedPerSecond} acked sends/s (${s.acked}/${s.sent}, committed ${s.committed}), delivered ${s.deliveries}/${s.expectedDeliveries}, gaps ${s.seqGaps}, dups ${s.seqDuplicates}`)
      lines.push(`         ack ${ms(s.ackLatencyMs)}; delivery ${ms(s.deliveryLatencyMs)}`)
      lines.push(`         app CPU ${num(s.server.appCpuCores, ' cores')}; per send: ${costLine(s.perSend)}`)
      if (Object.keys(s.errors).length) lines.push(`         errors: ${JSON.stringify(s.errors)}`)
    }
  }
  return lines
}
